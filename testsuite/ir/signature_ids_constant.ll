; ModuleID = 'kiln_unit0'
source_filename = "kiln_unit0"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-unknown-linux-gnu"

define hidden i32 @kiln_f0(ptr %0, i32 %1, i32 %2) local_unnamed_addr #0 section "kiln_wasm_code" {
stack_check:
  %fp = call ptr @llvm.frameaddress.p0(i32 0)
  %3 = ptrtoint ptr %fp to i64
  %4 = load i64, ptr %0, align 8, !tbaa !0
  %5 = icmp ult i64 %3, %4
  br i1 %5, label %trap_CallStackExhausted, label %entry, !prof !3

entry:                                            ; preds = %stack_check
  %6 = getelementptr inbounds nuw i8, ptr %0, i64 48
  %7 = load ptr, ptr %6, align 8, !tbaa !0, !invariant.load !4
  %8 = getelementptr inbounds nuw i8, ptr %7, i64 8
  %9 = load i64, ptr %8, align 8, !tbaa !0
  %10 = zext i32 %2 to i64
  %.not = icmp ugt i64 %9, %10
  br i1 %.not, label %ok, label %trap_UndefinedElement, !prof !5

trap_UndefinedElement:                            ; preds = %entry
  tail call void asm sideeffect "ud2\0A\09.byte 4\0A\09.long 0", ""() #2
  unreachable

ok:                                               ; preds = %entry
  %11 = load ptr, ptr %7, align 8, !tbaa !0
  %12 = getelementptr [32 x i8], ptr %11, i64 %10
  %13 = getelementptr inbounds nuw i8, ptr %12, i64 16
  %14 = load i32, ptr %13, align 4, !tbaa !0
  switch i32 %14, label %trap_IndirectCallTypeMismatch [
    i32 -2013265911, label %ok1
    i32 0, label %trap_UninitializedElement
  ], !prof !6

ok1:                                              ; preds = %ok
  %15 = load ptr, ptr %12, align 8, !tbaa !0
  %16 = getelementptr inbounds nuw i8, ptr %12, i64 8
  %17 = load ptr, ptr %16, align 8, !tbaa !0
  %18 = notail call i32 %15(ptr %17, i32 %1)
  ret i32 %18

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

define hidden i32 @kiln_f1(ptr %0, i32 %1) local_unnamed_addr #0 section "kiln_wasm_code" {
stack_check:
  %fp = call ptr @llvm.frameaddress.p0(i32 0)
  %2 = ptrtoint ptr %fp to i64
  %3 = load i64, ptr %0, align 8, !tbaa !0
  %4 = icmp ult i64 %2, %3
  br i1 %4, label %trap_CallStackExhausted, label %entry, !prof !3

entry:                                            ; preds = %stack_check
  %5 = getelementptr inbounds nuw i8, ptr %0, i64 48
  %6 = load ptr, ptr %5, align 8, !tbaa !0, !invariant.load !4
  %7 = getelementptr inbounds nuw i8, ptr %6, i64 8
  %8 = load i64, ptr %7, align 8, !tbaa !0
  %9 = zext i32 %1 to i64
  %.not = icmp ugt i64 %8, %9
  br i1 %.not, label %ok, label %trap_UndefinedElement, !prof !5

trap_UndefinedElement:                            ; preds = %entry
  tail call void asm sideeffect "ud2\0A\09.byte 4\0A\09.long 1", ""() #2
  unreachable

ok:                                               ; preds = %entry
  %10 = load ptr, ptr %6, align 8, !tbaa !0
  %11 = getelementptr inbounds nuw i8, ptr %0, i64 60
  %12 = load i32, ptr %11, align 4, !tbaa !0, !invariant.load !4
  %13 = getelementptr [32 x i8], ptr %10, i64 %9
  %14 = getelementptr inbounds nuw i8, ptr %13, i64 16
  %15 = load i32, ptr %14, align 4, !tbaa !0
  %.not12 = icmp eq i32 %15, %12
  br i1 %.not12, label %ok1, label %bad_callee, !prof !5

bad_callee:                                       ; preds = %ok
  %16 = icmp eq i32 %15, 0
  br i1 %16, label %trap_UninitializedElement, label %trap_IndirectCallTypeMismatch

ok1:                                              ; preds = %ok
  %17 = load ptr, ptr %13, align 8, !tbaa !0
  %18 = getelementptr inbounds nuw i8, ptr %13, i64 8
  %19 = load ptr, ptr %18, align 8, !tbaa !0
  %20 = notail call i32 %17(ptr %19, i32 %1, i32 %1, i32 %1, i32 %1, i32 %1, i32 %1, i32 %1, i32 %1, i32 %1)
  ret i32 %20

trap_UninitializedElement:                        ; preds = %bad_callee
  tail call void asm sideeffect "ud2\0A\09.byte 5\0A\09.long 1", ""() #2
  unreachable

trap_IndirectCallTypeMismatch:                    ; preds = %bad_callee
  tail call void asm sideeffect "ud2\0A\09.byte 6\0A\09.long 1", ""() #2
  unreachable

trap_CallStackExhausted:                          ; preds = %stack_check
  call void asm sideeffect "ud2\0A\09.byte 10\0A\09.long 1", ""() #3
  unreachable
}

; Function Attrs: nocallback nofree nosync nounwind willreturn memory(none)
declare ptr @llvm.frameaddress.p0(i32 immarg) #1

attributes #0 = { "frame-pointer"="all" "probe-stack"="inline-asm" "tune-cpu"="generic" }
attributes #1 = { nocallback nofree nosync nounwind willreturn memory(none) }
attributes #2 = { cold noreturn nounwind }
attributes #3 = { cold noreturn }

!0 = !{!1, !1, i64 0}
!1 = !{!"kiln runtime data", !2, i64 0}
!2 = !{!"kiln"}
!3 = !{!"branch_weights", i32 1, i32 2000}
!4 = !{}
!5 = !{!"branch_weights", !"expected", i32 2000, i32 1}
!6 = !{!"branch_weights", i32 1, i32 4000, i32 1}
