; ModuleID = 'kiln_unit0'
source_filename = "kiln_unit0"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i8:8:32-i16:16:32-i64:64-i128:128-n32:64-S128-Fn32"
target triple = "aarch64-unknown-linux-gnu"

; Function Attrs: nounwind
define hidden fastcc i32 @kiln_f0(ptr %0, i32 %1) unnamed_addr #0 section "kiln_wasm_code" {
stack_check:
  %fp = call ptr @llvm.frameaddress.p0(i32 0)
  %2 = ptrtoint ptr %fp to i64
  %3 = load i64, ptr %0, align 8, !tbaa !0
  %4 = icmp ult i64 %2, %3
  br i1 %4, label %trap_CallStackExhausted, label %entry, !prof !3

entry:                                            ; preds = %stack_check
  %5 = icmp eq i32 %1, 0
  br i1 %5, label %if_end, label %else

else:                                             ; preds = %entry
  %6 = add i32 %1, -1
  %7 = notail call fastcc i32 @kiln_f0(ptr %0, i32 %6)
  %8 = sub i32 %1, %7
  br label %if_end

if_end:                                           ; preds = %entry, %else
  %9 = phi i32 [ %8, %else ], [ 0, %entry ]
  ret i32 %9

trap_CallStackExhausted:                          ; preds = %stack_check
  %10 = getelementptr inbounds i8, ptr %0, i64 8
  %11 = load ptr, ptr %10, align 8, !tbaa !0, !invariant.load !4
  %12 = load ptr, ptr %11, align 8, !tbaa !0, !invariant.load !4
  %fp3 = call ptr @llvm.frameaddress.p0(i32 0)
  call void %12(ptr %0, i32 10, i32 0, ptr %fp3) #2
  unreachable
}

; Function Attrs: nounwind
define hidden i32 @kiln_f1(ptr %0, i32 %1) local_unnamed_addr #0 section "kiln_wasm_code" {
stack_check:
  %fp = call ptr @llvm.frameaddress.p0(i32 0)
  %2 = ptrtoint ptr %fp to i64
  %3 = load i64, ptr %0, align 8, !tbaa !0
  %4 = icmp ult i64 %2, %3
  br i1 %4, label %trap_CallStackExhausted, label %entry, !prof !3

entry:                                            ; preds = %stack_check
  %5 = notail call fastcc i32 @kiln_f0(ptr %0, i32 %1)
  ret i32 %5

trap_CallStackExhausted:                          ; preds = %stack_check
  %6 = getelementptr inbounds i8, ptr %0, i64 8
  %7 = load ptr, ptr %6, align 8, !tbaa !0, !invariant.load !4
  %8 = load ptr, ptr %7, align 8, !tbaa !0, !invariant.load !4
  %fp1 = call ptr @llvm.frameaddress.p0(i32 0)
  call void %8(ptr %0, i32 10, i32 1, ptr %fp1) #2
  unreachable
}

; Function Attrs: nocallback nofree nosync nounwind willreturn memory(none)
declare ptr @llvm.frameaddress.p0(i32 immarg) #1

attributes #0 = { nounwind "frame-pointer"="all" "tune-cpu"="generic" }
attributes #1 = { nocallback nofree nosync nounwind willreturn memory(none) }
attributes #2 = { cold noreturn }

!0 = !{!1, !1, i64 0}
!1 = !{!"kiln runtime data", !2, i64 0}
!2 = !{!"kiln"}
!3 = !{!"branch_weights", i32 1, i32 2000}
!4 = !{}
