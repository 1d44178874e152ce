; ModuleID = 'kiln_unit0'
source_filename = "kiln_unit0"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-unknown-linux-gnu"

; Function Attrs: mustprogress nofree norecurse nosync nounwind willreturn memory(none) uwtable
define hidden range(i32 0, -1) i32 @kiln_f0(ptr readnone captures(none) %0, i32 %1) local_unnamed_addr #0 section "kiln_wasm_code" {
entry:
  %2 = shl i32 %1, 1
  ret i32 %2
}

; Function Attrs: uwtable
define hidden i32 @kiln_f1(ptr %0, i32 %1, i32 %2) local_unnamed_addr #1 section "kiln_wasm_code" {
stack_check:
  %sp = call i64 @llvm.read_register.i64(metadata !0)
  %3 = load i64, ptr %0, align 8, !tbaa !1
  %4 = icmp ult i64 %sp, %3
  br i1 %4, label %trap_CallStackExhausted, label %entry, !prof !4

entry:                                            ; preds = %stack_check
  %5 = getelementptr inbounds nuw i8, ptr %0, i64 32
  %6 = load ptr, ptr %5, align 8, !tbaa !1, !invariant.load !5
  br label %loop

loop:                                             ; preds = %ok1, %entry
  %.07 = phi i32 [ %2, %entry ], [ %18, %ok1 ]
  %.0 = phi i32 [ 0, %entry ], [ %17, %ok1 ]
  %7 = and i32 %.07, 7
  %8 = icmp samesign ugt i32 %7, 3
  br i1 %8, label %trap_UndefinedElement, label %ok, !prof !6

trap_UndefinedElement:                            ; preds = %loop
  tail call void asm sideeffect "ud2\0A\09.byte 4\0A\09.long 1", ""() #3
  unreachable

ok:                                               ; preds = %loop
  %9 = zext nneg i32 %7 to i64
  %10 = getelementptr [32 x i8], ptr %6, i64 %9
  %11 = getelementptr inbounds nuw i8, ptr %10, i64 16
  %12 = load i32, ptr %11, align 4, !tbaa !1
  switch i32 %12, label %trap_IndirectCallTypeMismatch [
    i32 -2013265911, label %ok1
    i32 0, label %trap_UninitializedElement
  ], !prof !7

ok1:                                              ; preds = %ok
  %13 = load ptr, ptr %10, align 8, !tbaa !1
  %14 = getelementptr inbounds nuw i8, ptr %10, i64 8
  %15 = load ptr, ptr %14, align 8, !tbaa !1
  %16 = notail call i32 %13(ptr %15, i32 %.0)
  %17 = add i32 %16, %.0
  %18 = add i32 %.07, -1
  %.not = icmp eq i32 %18, 0
  br i1 %.not, label %br_if_else, label %loop

trap_UninitializedElement:                        ; preds = %ok
  tail call void asm sideeffect "ud2\0A\09.byte 5\0A\09.long 1", ""() #3
  unreachable

trap_IndirectCallTypeMismatch:                    ; preds = %ok
  tail call void asm sideeffect "ud2\0A\09.byte 6\0A\09.long 1", ""() #3
  unreachable

br_if_else:                                       ; preds = %ok1
  ret i32 %17

trap_CallStackExhausted:                          ; preds = %stack_check
  call void asm sideeffect "ud2\0A\09.byte 10\0A\09.long 1", ""() #4
  unreachable
}

; Function Attrs: nocallback nofree nosync nounwind willreturn memory(read)
declare i64 @llvm.read_register.i64(metadata) #2

attributes #0 = { mustprogress nofree norecurse nosync nounwind willreturn memory(none) uwtable "frame-pointer"="none" "probe-stack"="inline-asm" "tune-cpu"="generic" }
attributes #1 = { uwtable "frame-pointer"="none" "probe-stack"="inline-asm" "tune-cpu"="generic" }
attributes #2 = { nocallback nofree nosync nounwind willreturn memory(read) }
attributes #3 = { cold noreturn nounwind }
attributes #4 = { cold noreturn }

!0 = !{!"rsp"}
!1 = !{!2, !2, i64 0}
!2 = !{!"kiln runtime data", !3, i64 0}
!3 = !{!"kiln"}
!4 = !{!"branch_weights", i32 1, i32 2000}
!5 = !{}
!6 = !{!"branch_weights", !"expected", i32 1, i32 2000}
!7 = !{!"branch_weights", i32 1, i32 4000, i32 1}
