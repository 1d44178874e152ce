; ModuleID = 'kiln_unit0'
source_filename = "kiln_unit0"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-unknown-linux-gnu"

; Function Attrs: nofree nosync nounwind memory(none) uwtable
define hidden fastcc i32 @kiln_f0(i32 %0) unnamed_addr #0 section "kiln_wasm_code" {
entry:
  %1 = icmp eq i32 %0, 0
  br i1 %1, label %if_end, label %else

else:                                             ; preds = %entry
  %2 = add i32 %0, -1
  %3 = notail call fastcc i32 @kiln_f0(i32 %2)
  %4 = sub i32 %0, %3
  br label %if_end

if_end:                                           ; preds = %entry, %else
  %5 = phi i32 [ %4, %else ], [ 0, %entry ]
  ret i32 %5
}

; Function Attrs: nofree nosync nounwind memory(none) uwtable
define hidden i32 @kiln_f1(ptr readnone captures(none) %0, i32 %1) local_unnamed_addr #0 section "kiln_wasm_code" {
entry:
  %2 = notail call fastcc i32 @kiln_f0(i32 %1)
  ret i32 %2
}

attributes #0 = { nofree nosync nounwind memory(none) uwtable "frame-pointer"="none" "probe-stack"="inline-asm" "tune-cpu"="generic" }
