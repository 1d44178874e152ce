; ModuleID = 'kiln_unit0'
source_filename = "kiln_unit0"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-unknown-linux-gnu"

; Function Attrs: mustprogress nofree norecurse nosync nounwind willreturn memory(none) uwtable
define hidden double @kiln_f0(ptr readnone captures(none) %0, double %1) local_unnamed_addr #0 section "kiln_wasm_code" {
entry:
  %2 = fadd double %1, 1.000000e+00
  %3 = fadd double %1, -1.000000e+00
  %4 = fadd double %2, %3
  %5 = fmul double %1, 2.000000e+00
  %6 = fdiv double 1.000000e+00, %1
  %7 = fsub double 2.000000e+00, %1
  %8 = fadd double %6, %7
  %9 = fadd double %5, %8
  %10 = fadd double %4, %9
  ret double %10
}

attributes #0 = { mustprogress nofree norecurse nosync nounwind willreturn memory(none) uwtable "frame-pointer"="none" "probe-stack"="inline-asm" "tune-cpu"="generic" }
