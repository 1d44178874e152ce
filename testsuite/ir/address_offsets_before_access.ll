; ModuleID = 'kiln_unit0'
source_filename = "kiln_unit0"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-unknown-linux-gnu"

; Function Attrs: nofree norecurse nounwind memory(readwrite, target_mem0: none, target_mem1: none) uwtable
define hidden void @kiln_f0(ptr readonly captures(none) %0, i32 %1, i32 %2) local_unnamed_addr #0 section "kiln_wasm_code" {
entry:
  %3 = getelementptr inbounds nuw i8, ptr %0, i64 24
  %4 = load ptr, ptr %3, align 8, !tbaa !0, !invariant.load !3
  %5 = add i32 %1, 8
  %6 = zext i32 %5 to i64
  %7 = getelementptr i8, ptr %4, i64 %6
  %8 = load volatile double, ptr %7, align 1, !tbaa !4
  %9 = add i32 %2, 8
  %10 = zext i32 %9 to i64
  %11 = getelementptr i8, ptr %4, i64 %10
  store volatile double %8, ptr %11, align 1, !tbaa !4
  %12 = zext i32 %1 to i64
  %13 = getelementptr i8, ptr %4, i64 %12
  %14 = load volatile double, ptr %13, align 1, !tbaa !4
  %15 = zext i32 %2 to i64
  %16 = getelementptr i8, ptr %4, i64 %15
  store volatile double %14, ptr %16, align 1, !tbaa !4
  ret void
}

; Function Attrs: nounwind uwtable
define hidden i32 @kiln_f1(ptr readonly captures(none) %0, i32 %1, i32 %2) local_unnamed_addr #1 section "kiln_wasm_code" {
entry:
  %3 = getelementptr inbounds nuw i8, ptr %0, i64 24
  %4 = load ptr, ptr %3, align 8, !tbaa !0, !invariant.load !3
  %5 = add i32 %1, 16
  %6 = zext i32 %5 to i64
  %7 = getelementptr i8, ptr %4, i64 %6
  %8 = load volatile i32, ptr %7, align 1, !tbaa !4
  %9 = icmp eq i32 %2, 0
  br i1 %9, label %trap_IntegerDivideByZero, label %ok, !prof !6

trap_IntegerDivideByZero:                         ; preds = %entry
  tail call void asm sideeffect "ud2\0A\09.byte 7\0A\09.long 1", ""() #2
  unreachable

ok:                                               ; preds = %entry
  %10 = udiv i32 %8, %2
  %11 = zext i32 %1 to i64
  %12 = getelementptr i8, ptr %4, i64 %11
  %13 = load volatile i32, ptr %12, align 1, !tbaa !4
  %14 = add i32 %13, %10
  ret i32 %14
}

attributes #0 = { nofree norecurse nounwind memory(readwrite, target_mem0: none, target_mem1: none) uwtable "frame-pointer"="none" "probe-stack"="inline-asm" "tune-cpu"="generic" }
attributes #1 = { nounwind uwtable "frame-pointer"="none" "probe-stack"="inline-asm" "tune-cpu"="generic" }
attributes #2 = { cold noreturn nounwind }

!0 = !{!1, !1, i64 0}
!1 = !{!"kiln runtime data", !2, i64 0}
!2 = !{!"kiln"}
!3 = !{}
!4 = !{!5, !5, i64 0}
!5 = !{!"wasm linear memory", !2, i64 0}
!6 = !{!"branch_weights", !"expected", i32 1, i32 2000}
