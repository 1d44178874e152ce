; ModuleID = 'kiln_unit0'
source_filename = "kiln_unit0"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-unknown-linux-gnu"

; Function Attrs: nounwind uwtable
define hidden noundef i32 @kiln_f0(ptr readonly captures(none) %0, i32 %1) local_unnamed_addr #0 section "kiln_wasm_code" {
entry:
  %2 = getelementptr inbounds nuw i8, ptr %0, i64 40
  %3 = load ptr, ptr %2, align 8, !tbaa !0, !invariant.load !3
  %4 = getelementptr inbounds nuw i8, ptr %0, i64 48
  %5 = load ptr, ptr %4, align 8, !tbaa !0, !invariant.load !3
  %fuel = load i64, ptr %3, align 8, !tbaa !0
  %6 = add i64 %fuel, -1
  store i64 %6, ptr %3, align 8, !tbaa !0
  %7 = icmp slt i64 %6, 0
  br i1 %7, label %trap_OutOfFuel, label %ok, !prof !4

trap_OutOfFuel:                                   ; preds = %loop, %entry
  tail call void asm sideeffect "ud2\0A\09.byte 13\0A\09.long 0", ""() #1
  unreachable

ok:                                               ; preds = %entry
  %interrupt = load volatile i64, ptr %5, align 8
  %.not = icmp eq i64 %interrupt, 0
  br i1 %.not, label %loop, label %trap_Interrupted, !prof !5

trap_Interrupted:                                 ; preds = %ok3, %ok
  tail call void asm sideeffect "ud2\0A\09.byte 14\0A\09.long 0", ""() #1
  unreachable

loop:                                             ; preds = %ok, %ok5
  %fuel2 = phi i64 [ %8, %ok5 ], [ %6, %ok ]
  %.0 = phi i32 [ %10, %ok5 ], [ %1, %ok ]
  %8 = add nsw i64 %fuel2, -1
  store i64 %8, ptr %3, align 8, !tbaa !0
  %9 = icmp slt i64 %fuel2, 1
  br i1 %9, label %trap_OutOfFuel, label %ok3, !prof !4

ok3:                                              ; preds = %loop
  %interrupt4 = load volatile i64, ptr %5, align 8
  %.not9 = icmp eq i64 %interrupt4, 0
  br i1 %.not9, label %ok5, label %trap_Interrupted, !prof !5

ok5:                                              ; preds = %ok3
  %10 = add i32 %.0, -1
  %.not10 = icmp eq i32 %10, 0
  br i1 %.not10, label %br_if_else, label %loop

br_if_else:                                       ; preds = %ok5
  ret i32 0
}

attributes #0 = { nounwind uwtable "frame-pointer"="none" "probe-stack"="inline-asm" "tune-cpu"="generic" }
attributes #1 = { cold noreturn nounwind }

!0 = !{!1, !1, i64 0}
!1 = !{!"kiln runtime data", !2, i64 0}
!2 = !{!"kiln"}
!3 = !{}
!4 = !{!"branch_weights", !"expected", i32 1, i32 2000}
!5 = !{!"branch_weights", !"expected", i32 2000, i32 1}
