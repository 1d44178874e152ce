; ModuleID = 'kiln_unit0'
source_filename = "kiln_unit0"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-unknown-linux-gnu"

define hidden i32 @kiln_f0(ptr %0, i32 %1, i32 %2) local_unnamed_addr #0 section "kiln_wasm_code" {
stack_check:
  %fp5 = call ptr @llvm.frameaddress.p0(i32 0)
  %3 = ptrtoint ptr %fp5 to i64
  %4 = load i64, ptr %0, align 8
  %5 = icmp ult i64 %3, %4
  br i1 %5, label %trap_CallStackExhausted, label %entry, !prof !0

entry:                                            ; preds = %stack_check
  %6 = getelementptr inbounds nuw i8, ptr %0, i64 48
  %7 = load ptr, ptr %6, align 8, !invariant.load !1
  %8 = getelementptr inbounds nuw i8, ptr %7, i64 8
  %9 = load i64, ptr %8, align 8
  %10 = zext i32 %2 to i64
  %.not = icmp ugt i64 %9, %10
  br i1 %.not, label %ok, label %trap_UndefinedElement, !prof !2

trap_UndefinedElement:                            ; preds = %entry
  %11 = getelementptr inbounds nuw i8, ptr %0, i64 8
  %12 = load ptr, ptr %11, align 8, !invariant.load !1
  %13 = load ptr, ptr %12, align 8, !invariant.load !1
  %fp = tail call ptr @llvm.frameaddress.p0(i32 0)
  tail call void %13(ptr nonnull %0, i32 4, i32 0, ptr %fp) #2
  unreachable

ok:                                               ; preds = %entry
  %14 = load ptr, ptr %7, align 8
  %15 = getelementptr [32 x i8], ptr %14, i64 %10
  %16 = getelementptr inbounds nuw i8, ptr %15, i64 16
  %17 = load i32, ptr %16, align 4
  switch i32 %17, label %trap_IndirectCallTypeMismatch [
    i32 -2013265911, label %ok1
    i32 0, label %trap_UninitializedElement
  ], !prof !3

ok1:                                              ; preds = %ok
  %18 = load ptr, ptr %15, align 8
  %19 = getelementptr inbounds nuw i8, ptr %15, i64 8
  %20 = load ptr, ptr %19, align 8
  %21 = notail call i32 %18(ptr %20, i32 %1)
  ret i32 %21

trap_UninitializedElement:                        ; preds = %ok
  %22 = getelementptr inbounds nuw i8, ptr %0, i64 8
  %23 = load ptr, ptr %22, align 8, !invariant.load !1
  %24 = load ptr, ptr %23, align 8, !invariant.load !1
  %fp2 = tail call ptr @llvm.frameaddress.p0(i32 0)
  tail call void %24(ptr nonnull %0, i32 5, i32 0, ptr %fp2) #2
  unreachable

trap_IndirectCallTypeMismatch:                    ; preds = %ok
  %25 = getelementptr inbounds nuw i8, ptr %0, i64 8
  %26 = load ptr, ptr %25, align 8, !invariant.load !1
  %27 = load ptr, ptr %26, align 8, !invariant.load !1
  %fp3 = tail call ptr @llvm.frameaddress.p0(i32 0)
  tail call void %27(ptr nonnull %0, i32 6, i32 0, ptr %fp3) #2
  unreachable

trap_CallStackExhausted:                          ; preds = %stack_check
  %28 = getelementptr inbounds i8, ptr %0, i64 8
  %29 = load ptr, ptr %28, align 8, !invariant.load !1
  %30 = load ptr, ptr %29, align 8, !invariant.load !1
  %fp6 = call ptr @llvm.frameaddress.p0(i32 0)
  call void %30(ptr %0, i32 10, i32 0, ptr %fp6) #2
  unreachable
}

; Function Attrs: mustprogress nocallback nofree nosync nounwind willreturn memory(none)
declare ptr @llvm.frameaddress.p0(i32 immarg) #1

define hidden i32 @kiln_f1(ptr %0, i32 %1) local_unnamed_addr #0 section "kiln_wasm_code" {
stack_check:
  %fp16 = call ptr @llvm.frameaddress.p0(i32 0)
  %2 = ptrtoint ptr %fp16 to i64
  %3 = load i64, ptr %0, align 8
  %4 = icmp ult i64 %2, %3
  br i1 %4, label %trap_CallStackExhausted, label %entry, !prof !0

entry:                                            ; preds = %stack_check
  %5 = getelementptr inbounds nuw i8, ptr %0, i64 48
  %6 = load ptr, ptr %5, align 8, !invariant.load !1
  %7 = getelementptr inbounds nuw i8, ptr %6, i64 8
  %8 = load i64, ptr %7, align 8
  %9 = zext i32 %1 to i64
  %.not = icmp ugt i64 %8, %9
  br i1 %.not, label %ok, label %trap_UndefinedElement, !prof !2

trap_UndefinedElement:                            ; preds = %entry
  %10 = getelementptr inbounds nuw i8, ptr %0, i64 8
  %11 = load ptr, ptr %10, align 8, !invariant.load !1
  %12 = load ptr, ptr %11, align 8, !invariant.load !1
  %fp = tail call ptr @llvm.frameaddress.p0(i32 0)
  tail call void %12(ptr nonnull %0, i32 4, i32 1, ptr %fp) #2
  unreachable

ok:                                               ; preds = %entry
  %13 = load ptr, ptr %6, align 8
  %14 = getelementptr inbounds nuw i8, ptr %0, i64 60
  %15 = load i32, ptr %14, align 4, !invariant.load !1
  %16 = getelementptr [32 x i8], ptr %13, i64 %9
  %17 = getelementptr inbounds nuw i8, ptr %16, i64 16
  %18 = load i32, ptr %17, align 4
  %.not14 = icmp eq i32 %18, %15
  br i1 %.not14, label %ok1, label %bad_callee, !prof !2

bad_callee:                                       ; preds = %ok
  %19 = icmp eq i32 %18, 0
  %20 = getelementptr inbounds nuw i8, ptr %0, i64 8
  %21 = load ptr, ptr %20, align 8, !invariant.load !1
  %22 = load ptr, ptr %21, align 8, !invariant.load !1
  %fp2 = tail call ptr @llvm.frameaddress.p0(i32 0)
  br i1 %19, label %trap_UninitializedElement, label %trap_IndirectCallTypeMismatch

ok1:                                              ; preds = %ok
  %23 = load ptr, ptr %16, align 8
  %24 = getelementptr inbounds nuw i8, ptr %16, i64 8
  %25 = load ptr, ptr %24, align 8
  %26 = notail call i32 %23(ptr %25, i32 %1, i32 %1, i32 %1, i32 %1, i32 %1, i32 %1, i32 %1, i32 %1, i32 %1)
  ret i32 %26

trap_UninitializedElement:                        ; preds = %bad_callee
  tail call void %22(ptr nonnull %0, i32 5, i32 1, ptr %fp2) #2
  unreachable

trap_IndirectCallTypeMismatch:                    ; preds = %bad_callee
  tail call void %22(ptr nonnull %0, i32 6, i32 1, ptr %fp2) #2
  unreachable

trap_CallStackExhausted:                          ; preds = %stack_check
  %27 = getelementptr inbounds i8, ptr %0, i64 8
  %28 = load ptr, ptr %27, align 8, !invariant.load !1
  %29 = load ptr, ptr %28, align 8, !invariant.load !1
  %fp17 = call ptr @llvm.frameaddress.p0(i32 0)
  call void %29(ptr %0, i32 10, i32 1, ptr %fp17) #2
  unreachable
}

attributes #0 = { "frame-pointer"="all" "tune-cpu"="generic" }
attributes #1 = { mustprogress nocallback nofree nosync nounwind willreturn memory(none) }
attributes #2 = { cold noreturn }

!0 = !{!"branch_weights", i32 1, i32 2000}
!1 = !{}
!2 = !{!"branch_weights", !"expected", i32 2000, i32 1}
!3 = !{!"branch_weights", i32 1, i32 4000, i32 1}
