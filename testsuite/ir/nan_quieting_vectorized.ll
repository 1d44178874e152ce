; ModuleID = 'kiln_unit0'
source_filename = "kiln_unit0"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-unknown-linux-gnu"

; Function Attrs: mustprogress nofree norecurse nounwind willreturn memory(readwrite, target_mem0: none, target_mem1: none) uwtable
define hidden void @kiln_f0(ptr readonly captures(none) %0, i32 %1) local_unnamed_addr #0 section "kiln_wasm_code" {
entry:
  %2 = getelementptr inbounds nuw i8, ptr %0, i64 24
  %3 = load ptr, ptr %2, align 8, !tbaa !0, !invariant.load !3
  %4 = zext i32 %1 to i64
  %5 = getelementptr i8, ptr %3, i64 %4
  %6 = load volatile float, ptr %5, align 1, !tbaa !4
  %7 = getelementptr i8, ptr %5, i64 4
  %8 = load volatile float, ptr %7, align 1, !tbaa !4
  %9 = getelementptr i8, ptr %5, i64 8
  %10 = load volatile float, ptr %9, align 1, !tbaa !4
  %11 = getelementptr i8, ptr %5, i64 12
  %12 = load volatile float, ptr %11, align 1, !tbaa !4
  %13 = insertelement <4 x float> poison, float %6, i64 0
  %14 = insertelement <4 x float> %13, float %8, i64 1
  %15 = insertelement <4 x float> %14, float %10, i64 2
  %16 = insertelement <4 x float> %15, float %12, i64 3
  %17 = fcmp uno <4 x float> %16, zeroinitializer
  %18 = select <4 x i1> %17, <4 x float> splat (float 0x7FF8000000000000), <4 x float> %16
  store <4 x float> %18, ptr %5, align 1, !tbaa !4
  ret void
}

; Function Attrs: mustprogress nofree norecurse nounwind willreturn memory(readwrite, target_mem0: none, target_mem1: none) uwtable
define hidden void @kiln_f1(ptr readonly captures(none) %0, i32 %1) local_unnamed_addr #0 section "kiln_wasm_code" {
entry:
  %2 = getelementptr inbounds nuw i8, ptr %0, i64 24
  %3 = load ptr, ptr %2, align 8, !tbaa !0, !invariant.load !3
  %4 = zext i32 %1 to i64
  %5 = getelementptr i8, ptr %3, i64 %4
  %6 = load volatile float, ptr %5, align 1, !tbaa !4
  %7 = getelementptr i8, ptr %5, i64 4
  %8 = load volatile float, ptr %7, align 1, !tbaa !4
  %9 = insertelement <2 x float> poison, float %6, i64 0
  %10 = insertelement <2 x float> %9, float %8, i64 1
  %11 = fcmp uno <2 x float> %10, zeroinitializer
  %12 = select <2 x i1> %11, <2 x float> splat (float 0x7FF8000000000000), <2 x float> %10
  store <2 x float> %12, ptr %5, align 1, !tbaa !4
  ret void
}

attributes #0 = { mustprogress nofree norecurse nounwind willreturn memory(readwrite, target_mem0: none, target_mem1: none) uwtable "frame-pointer"="none" "probe-stack"="inline-asm" "tune-cpu"="generic" }

!0 = !{!1, !1, i64 0}
!1 = !{!"kiln runtime data", !2, i64 0}
!2 = !{!"kiln"}
!3 = !{}
!4 = !{!5, !5, i64 0}
!5 = !{!"wasm linear memory", !2, i64 0}
