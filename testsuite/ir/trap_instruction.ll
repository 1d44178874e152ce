; ModuleID = 'kiln_unit0'
source_filename = "kiln_unit0"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-unknown-linux-gnu"

; Function Attrs: nounwind uwtable
define hidden i32 @kiln_f0(ptr readnone captures(none) %0, i32 %1, i32 %2) local_unnamed_addr #0 section "kiln_wasm_code" {
entry:
  %3 = icmp eq i32 %2, 0
  br i1 %3, label %trap_IntegerDivideByZero, label %ok, !prof !0

trap_IntegerDivideByZero:                         ; preds = %entry
  tail call void asm sideeffect "ud2\0A\09.byte 7\0A\09.long 0", ""() #1
  unreachable

ok:                                               ; preds = %entry
  %4 = icmp eq i32 %1, -2147483648
  %5 = icmp eq i32 %2, -1
  %6 = and i1 %4, %5
  br i1 %6, label %trap_IntegerOverflow, label %ok1, !prof !0

trap_IntegerOverflow:                             ; preds = %ok
  tail call void asm sideeffect "ud2\0A\09.byte 8\0A\09.long 0", ""() #1
  unreachable

ok1:                                              ; preds = %ok
  %7 = sdiv i32 %1, %2
  ret i32 %7
}

attributes #0 = { nounwind uwtable "frame-pointer"="none" "probe-stack"="inline-asm" "tune-cpu"="generic" }
attributes #1 = { cold noreturn nounwind }

!0 = !{!"branch_weights", !"expected", i32 1, i32 2000}
