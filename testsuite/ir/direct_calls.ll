; ModuleID = 'kiln_unit0'
source_filename = "kiln_unit0"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-unknown-linux-gnu"

; Function Attrs: uwtable
define hidden i32 @kiln_f0(ptr %0, i32 %1) #0 section "kiln_wasm_code" {
entry:
  %2 = alloca i32, align 4
  store i32 %1, ptr %2, align 4
  br label %body

body:                                             ; preds = %entry
  %3 = load i32, ptr %2, align 4
  %4 = notail call i32 @kiln_f1(ptr %0, i32 %3)
  br label %return

return:                                           ; preds = %body
  %5 = phi i32 [ %4, %body ]
  ret i32 %5
}

; Function Attrs: uwtable
define hidden i32 @kiln_f1(ptr %0, i32 %1) #0 section "kiln_wasm_code" {
entry:
  %2 = alloca i32, align 4
  store i32 %1, ptr %2, align 4
  br label %body

body:                                             ; preds = %entry
  %3 = load i32, ptr %2, align 4
  %4 = add i32 %3, 1
  br label %return

return:                                           ; preds = %body
  %5 = phi i32 [ %4, %body ]
  ret i32 %5
}

attributes #0 = { uwtable "frame-pointer"="none" "probe-stack"="inline-asm" "tune-cpu"="generic" }
