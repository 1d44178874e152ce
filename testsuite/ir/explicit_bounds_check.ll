; ModuleID = 'kiln_unit0'
source_filename = "kiln_unit0"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-unknown-linux-gnu"

; Function Attrs: nounwind uwtable
define hidden i32 @kiln_f0(ptr readonly captures(none) %0, i32 %1) local_unnamed_addr #0 section "kiln_wasm_code" {
entry:
  %2 = getelementptr inbounds nuw i8, ptr %0, i64 56
  %3 = load ptr, ptr %2, align 8, !tbaa !0, !invariant.load !3
  %4 = zext i32 %1 to i64
  %5 = add nuw nsw i64 %4, 20
  %6 = getelementptr inbounds nuw i8, ptr %3, i64 8
  %7 = load i64, ptr %6, align 8, !tbaa !0
  %8 = icmp ugt i64 %5, %7
  br i1 %8, label %trap_MemoryOutOfBounds, label %ok, !prof !4

trap_MemoryOutOfBounds:                           ; preds = %entry
  tail call void asm sideeffect "ud2\0A\09.byte 2\0A\09.long 0", ""() #1
  unreachable

ok:                                               ; preds = %entry
  %9 = getelementptr inbounds nuw i8, ptr %0, i64 24
  %10 = load ptr, ptr %9, align 8, !tbaa !0, !invariant.load !3
  %11 = getelementptr i8, ptr %10, i64 %4
  %12 = getelementptr i8, ptr %11, i64 16
  %13 = load i32, ptr %12, align 1, !tbaa !5
  ret i32 %13
}

attributes #0 = { nounwind uwtable "frame-pointer"="none" "probe-stack"="inline-asm" "tune-cpu"="generic" }
attributes #1 = { cold noreturn nounwind }

!0 = !{!1, !1, i64 0}
!1 = !{!"kiln runtime data", !2, i64 0}
!2 = !{!"kiln"}
!3 = !{}
!4 = !{!"branch_weights", !"expected", i32 1, i32 2000}
!5 = !{!6, !6, i64 0}
!6 = !{!"wasm linear memory", !2, i64 0}
