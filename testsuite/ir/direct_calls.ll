; ModuleID = 'kiln_unit0'
source_filename = "kiln_unit0"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-unknown-linux-gnu"

define hidden i32 @kiln_f0(ptr %0, i32 %1) #0 section "kiln_wasm_code" {
entry:
  %2 = alloca i32, align 4
  store i32 %1, ptr %2, align 4
  br label %body

body:                                             ; preds = %entry
  %sp = call ptr @llvm.frameaddress.p0(i32 0)
  %3 = ptrtoint ptr %sp to i64
  %4 = load i64, ptr %0, align 8
  %5 = icmp ult i64 %3, %4
  %6 = call i1 @llvm.expect.i1(i1 %5, i1 false)
  br i1 %6, label %trap_CallStackExhausted, label %ok

trap_CallStackExhausted:                          ; preds = %body
  %7 = getelementptr inbounds i8, ptr %0, i64 8
  %8 = load ptr, ptr %7, align 8, !invariant.load !0
  %9 = load ptr, ptr %8, align 8, !invariant.load !0
  %fp = call ptr @llvm.frameaddress.p0(i32 0)
  call void %9(ptr %0, i32 10, i32 0, ptr %fp) #2
  unreachable

ok:                                               ; preds = %body
  %10 = load i32, ptr %2, align 4
  %11 = notail call i32 @kiln_f1(ptr %0, i32 %10)
  br label %return

return:                                           ; preds = %ok
  %12 = phi i32 [ %11, %ok ]
  ret i32 %12
}

; Function Attrs: nocallback nofree nosync nounwind willreturn memory(none)
declare ptr @llvm.frameaddress.p0(i32 immarg) #1

; Function Attrs: nocallback nofree nosync nounwind willreturn memory(none)
declare i1 @llvm.expect.i1(i1, i1) #1

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

attributes #0 = { "frame-pointer"="all" "tune-cpu"="generic" }
attributes #1 = { nocallback nofree nosync nounwind willreturn memory(none) }
attributes #2 = { cold noreturn }

!0 = !{}
