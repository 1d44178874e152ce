; ModuleID = 'kiln_unit0'
source_filename = "kiln_unit0"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-unknown-linux-gnu"

define hidden i32 @kiln_f0(ptr %0, i32 %1) #0 section "kiln_wasm_code" {
stack_check:
  %2 = alloca i32, align 4
  %fp = call ptr @llvm.frameaddress.p0(i32 0)
  %3 = ptrtoint ptr %fp to i64
  %4 = load i64, ptr %0, align 8
  %5 = icmp ult i64 %3, %4
  br i1 %5, label %trap_CallStackExhausted, label %entry, !prof !0

entry:                                            ; preds = %stack_check
  store i32 %1, ptr %2, align 4
  br label %body

body:                                             ; preds = %entry
  %6 = load i32, ptr %2, align 4
  %7 = notail call i32 @kiln_f1(ptr %0, i32 %6)
  br label %return

return:                                           ; preds = %body
  %8 = phi i32 [ %7, %body ]
  ret i32 %8

trap_CallStackExhausted:                          ; preds = %stack_check
  %9 = getelementptr inbounds i8, ptr %0, i64 8
  %10 = load ptr, ptr %9, align 8, !invariant.load !1
  %11 = load ptr, ptr %10, align 8, !invariant.load !1
  %fp1 = call ptr @llvm.frameaddress.p0(i32 0)
  call void %11(ptr %0, i32 10, i32 0, ptr %fp1) #2
  unreachable
}

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

; Function Attrs: nocallback nofree nosync nounwind willreturn memory(none)
declare ptr @llvm.frameaddress.p0(i32 immarg) #1

attributes #0 = { "frame-pointer"="all" "tune-cpu"="generic" }
attributes #1 = { nocallback nofree nosync nounwind willreturn memory(none) }
attributes #2 = { cold noreturn }

!0 = !{!"branch_weights", i32 1, i32 2000}
!1 = !{}
