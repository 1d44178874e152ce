; ModuleID = 'kiln_unit0'
source_filename = "kiln_unit0"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-unknown-linux-gnu"

; Function Attrs: uwtable
define hidden i32 @kiln_f0(ptr %0, i32 %1, i32 %2) local_unnamed_addr #0 section "kiln_wasm_code" {
stack_check:
  %sp = call i64 @llvm.read_register.i64(metadata !0)
  %3 = load i64, ptr %0, align 8, !tbaa !1
  %4 = icmp ult i64 %sp, %3
  br i1 %4, label %trap_CallStackExhausted, label %entry, !prof !4

entry:                                            ; preds = %stack_check
  %5 = getelementptr inbounds nuw i8, ptr %0, i64 56
  %6 = load ptr, ptr %5, align 8, !tbaa !1, !invariant.load !5
  %7 = getelementptr inbounds nuw i8, ptr %6, i64 8
  %8 = load i64, ptr %7, align 8, !tbaa !1
  %9 = zext i32 %2 to i64
  %.not = icmp ugt i64 %8, %9
  br i1 %.not, label %ok, label %trap_UndefinedElement, !prof !6

trap_UndefinedElement:                            ; preds = %entry
  tail call void asm sideeffect "ud2\0A\09.byte 4\0A\09.long 0", ""() #2
  unreachable

ok:                                               ; preds = %entry
  %10 = load ptr, ptr %6, align 8, !tbaa !1
  %11 = getelementptr [32 x i8], ptr %10, i64 %9
  %12 = getelementptr inbounds nuw i8, ptr %11, i64 16
  %13 = load i32, ptr %12, align 4, !tbaa !1
  switch i32 %13, label %trap_IndirectCallTypeMismatch [
    i32 -2013265911, label %ok1
    i32 0, label %trap_UninitializedElement
  ], !prof !7

ok1:                                              ; preds = %ok
  %14 = load ptr, ptr %11, align 8, !tbaa !1
  %15 = getelementptr inbounds nuw i8, ptr %11, i64 8
  %16 = load ptr, ptr %15, align 8, !tbaa !1
  %17 = notail call i32 %14(ptr %16, i32 %1)
  ret i32 %17

trap_UninitializedElement:                        ; preds = %ok
  tail call void asm sideeffect "ud2\0A\09.byte 5\0A\09.long 0", ""() #2
  unreachable

trap_IndirectCallTypeMismatch:                    ; preds = %ok
  tail call void asm sideeffect "ud2\0A\09.byte 6\0A\09.long 0", ""() #2
  unreachable

trap_CallStackExhausted:                          ; preds = %stack_check
  call void asm sideeffect "ud2\0A\09.byte 10\0A\09.long 0", ""() #3
  unreachable
}

; Function Attrs: nocallback nofree nosync nounwind willreturn memory(read)
declare i64 @llvm.read_register.i64(metadata) #1

attributes #0 = { uwtable "frame-pointer"="none" "probe-stack"="inline-asm" "tune-cpu"="generic" }
attributes #1 = { nocallback nofree nosync nounwind willreturn memory(read) }
attributes #2 = { cold noreturn nounwind }
attributes #3 = { cold noreturn }

!0 = !{!"rsp"}
!1 = !{!2, !2, i64 0}
!2 = !{!"kiln runtime data", !3, i64 0}
!3 = !{!"kiln"}
!4 = !{!"branch_weights", i32 1, i32 2000}
!5 = !{}
!6 = !{!"branch_weights", !"expected", i32 2000, i32 1}
!7 = !{!"branch_weights", i32 1, i32 4000, i32 1}
