; ModuleID = 'kiln_unit0'
source_filename = "kiln_unit0"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-unknown-linux-gnu"

; Function Attrs: nofree norecurse nounwind memory(readwrite, target_mem0: none, target_mem1: none) uwtable
define hidden void @kiln_f0(ptr readonly captures(none) %0, i32 %1) local_unnamed_addr #0 section "kiln_wasm_code" {
entry:
  %2 = getelementptr inbounds nuw i8, ptr %0, i64 24
  %3 = load ptr, ptr %2, align 8, !tbaa !0, !invariant.load !3
  %4 = zext i32 %1 to i64
  %5 = getelementptr i8, ptr %3, i64 %4
  %6 = load volatile float, ptr %5, align 1, !tbaa !4
  %7 = fcmp uno float %6, 0.000000e+00
  %8 = select i1 %7, float 0x7FF8000000000000, float %6
  store volatile float %8, ptr %5, align 1, !tbaa !4
  %9 = getelementptr i8, ptr %5, i64 4
  %10 = load volatile float, ptr %9, align 1, !tbaa !4
  %11 = fcmp uno float %10, 0.000000e+00
  %12 = select i1 %11, float 0x7FF8000000000000, float %10
  store volatile float %12, ptr %9, align 1, !tbaa !4
  %13 = getelementptr i8, ptr %5, i64 8
  %14 = load volatile float, ptr %13, align 1, !tbaa !4
  %15 = fcmp uno float %14, 0.000000e+00
  %16 = select i1 %15, float 0x7FF8000000000000, float %14
  store volatile float %16, ptr %13, align 1, !tbaa !4
  %17 = getelementptr i8, ptr %5, i64 12
  %18 = load volatile float, ptr %17, align 1, !tbaa !4
  %19 = fcmp uno float %18, 0.000000e+00
  %20 = select i1 %19, float 0x7FF8000000000000, float %18
  store volatile float %20, ptr %17, align 1, !tbaa !4
  ret void
}

; Function Attrs: nofree norecurse nounwind memory(readwrite, target_mem0: none, target_mem1: none) uwtable
define hidden void @kiln_f1(ptr readonly captures(none) %0, i32 %1) local_unnamed_addr #0 section "kiln_wasm_code" {
entry:
  %2 = getelementptr inbounds nuw i8, ptr %0, i64 24
  %3 = load ptr, ptr %2, align 8, !tbaa !0, !invariant.load !3
  %4 = zext i32 %1 to i64
  %5 = getelementptr i8, ptr %3, i64 %4
  %6 = load volatile float, ptr %5, align 1, !tbaa !4
  %7 = fcmp uno float %6, 0.000000e+00
  %8 = select i1 %7, float 0x7FF8000000000000, float %6
  store volatile float %8, ptr %5, align 1, !tbaa !4
  %9 = getelementptr i8, ptr %5, i64 4
  %10 = load volatile float, ptr %9, align 1, !tbaa !4
  %11 = fcmp uno float %10, 0.000000e+00
  %12 = select i1 %11, float 0x7FF8000000000000, float %10
  store volatile float %12, ptr %9, align 1, !tbaa !4
  ret void
}

attributes #0 = { nofree norecurse nounwind memory(readwrite, target_mem0: none, target_mem1: none) uwtable "frame-pointer"="none" "probe-stack"="inline-asm" "tune-cpu"="generic" }

!0 = !{!1, !1, i64 0}
!1 = !{!"kiln runtime data", !2, i64 0}
!2 = !{!"kiln"}
!3 = !{}
!4 = !{!5, !5, i64 0}
!5 = !{!"wasm linear memory", !2, i64 0}
