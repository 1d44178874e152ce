; ModuleID = 'kiln_unit0'
source_filename = "kiln_unit0"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-unknown-linux-gnu"

; Function Attrs: mustprogress nofree norecurse nosync nounwind willreturn memory(none)
define hidden range(i32 0, -1) i32 @kiln_f0(ptr readnone captures(none) %0, i32 %1) local_unnamed_addr #0 section "kiln_wasm_code" {
entry:
  %2 = shl i32 %1, 1
  ret i32 %2
}

define hidden i32 @kiln_f1(ptr %0, i32 %1, i32 %2) local_unnamed_addr #1 section "kiln_wasm_code" {
stack_check:
  %fp = call ptr @llvm.frameaddress.p0(i32 0)
  %3 = ptrtoint ptr %fp to i64
  %4 = load i64, ptr %0, align 8, !tbaa !0
  %5 = icmp ult i64 %3, %4
  br i1 %5, label %trap_CallStackExhausted, label %entry, !prof !3

entry:                                            ; preds = %stack_check
  %6 = getelementptr inbounds nuw i8, ptr %0, i64 32
  %7 = load ptr, ptr %6, align 8, !tbaa !0, !invariant.load !4
  br label %loop

loop:                                             ; preds = %ok1, %entry
  %.07 = phi i32 [ %2, %entry ], [ %19, %ok1 ]
  %.0 = phi i32 [ 0, %entry ], [ %18, %ok1 ]
  %8 = and i32 %.07, 7
  %9 = icmp samesign ugt i32 %8, 3
  br i1 %9, label %trap_UndefinedElement, label %ok, !prof !5

trap_UndefinedElement:                            ; preds = %loop
  tail call void asm sideeffect "ud2\0A\09.byte 4\0A\09.long 1", ""() #3
  unreachable

ok:                                               ; preds = %loop
  %10 = zext nneg i32 %8 to i64
  %11 = getelementptr [32 x i8], ptr %7, i64 %10
  %12 = getelementptr inbounds nuw i8, ptr %11, i64 16
  %13 = load i32, ptr %12, align 4, !tbaa !0
  switch i32 %13, label %trap_IndirectCallTypeMismatch [
    i32 -2013265911, label %ok1
    i32 0, label %trap_UninitializedElement
  ], !prof !6

ok1:                                              ; preds = %ok
  %14 = load ptr, ptr %11, align 8, !tbaa !0
  %15 = getelementptr inbounds nuw i8, ptr %11, i64 8
  %16 = load ptr, ptr %15, align 8, !tbaa !0
  %17 = notail call i32 %14(ptr %16, i32 %.0)
  %18 = add i32 %17, %.0
  %19 = add i32 %.07, -1
  %.not = icmp eq i32 %19, 0
  br i1 %.not, label %br_if_else, label %loop

trap_UninitializedElement:                        ; preds = %ok
  tail call void asm sideeffect "ud2\0A\09.byte 5\0A\09.long 1", ""() #3
  unreachable

trap_IndirectCallTypeMismatch:                    ; preds = %ok
  tail call void asm sideeffect "ud2\0A\09.byte 6\0A\09.long 1", ""() #3
  unreachable

br_if_else:                                       ; preds = %ok1
  ret i32 %18

trap_CallStackExhausted:                          ; preds = %stack_check
  call void asm sideeffect "ud2\0A\09.byte 10\0A\09.long 1", ""() #4
  unreachable
}

; Function Attrs: nocallback nofree nosync nounwind willreturn memory(none)
declare ptr @llvm.frameaddress.p0(i32 immarg) #2

attributes #0 = { mustprogress nofree norecurse nosync nounwind willreturn memory(none) "frame-pointer"="all" "probe-stack"="inline-asm" "tune-cpu"="generic" }
attributes #1 = { "frame-pointer"="all" "probe-stack"="inline-asm" "tune-cpu"="generic" }
attributes #2 = { nocallback nofree nosync nounwind willreturn memory(none) }
attributes #3 = { cold noreturn nounwind }
attributes #4 = { cold noreturn }

!0 = !{!1, !1, i64 0}
!1 = !{!"kiln runtime data", !2, i64 0}
!2 = !{!"kiln"}
!3 = !{!"branch_weights", i32 1, i32 2000}
!4 = !{}
!5 = !{!"branch_weights", !"expected", i32 1, i32 2000}
!6 = !{!"branch_weights", i32 1, i32 4000, i32 1}
