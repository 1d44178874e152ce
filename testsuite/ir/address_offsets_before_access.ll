; ModuleID = 'kiln_unit0'
source_filename = "kiln_unit0"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-unknown-linux-gnu"

; Function Attrs: mustprogress nofree norecurse nosync nounwind willreturn memory(readwrite, inaccessiblemem: none, target_mem0: none, target_mem1: none)
define hidden void @kiln_f0(ptr readonly captures(none) %0, i32 %1, i32 %2) local_unnamed_addr #0 section "kiln_wasm_code" {
entry:
  %3 = getelementptr inbounds nuw i8, ptr %0, i64 24
  %4 = load ptr, ptr %3, align 8, !invariant.load !0
  %5 = add i32 %1, 8
  %6 = zext i32 %5 to i64
  %7 = getelementptr i8, ptr %4, i64 %6
  %8 = load double, ptr %7, align 1
  %9 = zext i32 %1 to i64
  %10 = getelementptr i8, ptr %4, i64 %9
  %11 = load double, ptr %10, align 1
  %12 = add i32 %2, 8
  %13 = fmul double %8, 2.000000e+00
  %14 = zext i32 %12 to i64
  %15 = getelementptr i8, ptr %4, i64 %14
  store double %13, ptr %15, align 1
  %16 = fmul double %11, 2.000000e+00
  %17 = zext i32 %2 to i64
  %18 = getelementptr i8, ptr %4, i64 %17
  store double %16, ptr %18, align 1
  ret void
}

attributes #0 = { mustprogress nofree norecurse nosync nounwind willreturn memory(readwrite, inaccessiblemem: none, target_mem0: none, target_mem1: none) "frame-pointer"="all" "tune-cpu"="generic" }

!0 = !{}
