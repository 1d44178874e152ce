; ModuleID = 'kiln_unit0'
source_filename = "kiln_unit0"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-unknown-linux-gnu"

define hidden i32 @kiln_f0(ptr %0, i32 %1, i32 %2) local_unnamed_addr #0 section "kiln_wasm_code" {
entry:
  %sp = tail call ptr @llvm.frameaddress.p0(i32 0)
  %3 = ptrtoint ptr %sp to i64
  %4 = load i64, ptr %0, align 8
  %5 = icmp ugt i64 %4, %3
  br i1 %5, label %trap_CallStackExhausted, label %ok, !prof !0

trap_CallStackExhausted:                          ; preds = %entry
  %6 = getelementptr inbounds nuw i8, ptr %0, i64 8
  %7 = load ptr, ptr %6, align 8, !invariant.load !1
  %8 = load ptr, ptr %7, align 8, !invariant.load !1
  tail call void %8(ptr nonnull %0, i32 10, i32 0, ptr %sp) #2
  unreachable

ok:                                               ; preds = %entry
  %9 = getelementptr inbounds nuw i8, ptr %0, i64 48
  %10 = load ptr, ptr %9, align 8, !invariant.load !1
  %11 = getelementptr inbounds nuw i8, ptr %10, i64 8
  %12 = load i64, ptr %11, align 8
  %13 = zext i32 %2 to i64
  %.not = icmp ugt i64 %12, %13
  br i1 %.not, label %ok2, label %trap_UndefinedElement, !prof !2

trap_UndefinedElement:                            ; preds = %ok
  %14 = getelementptr inbounds nuw i8, ptr %0, i64 8
  %15 = load ptr, ptr %14, align 8, !invariant.load !1
  %16 = load ptr, ptr %15, align 8, !invariant.load !1
  tail call void %16(ptr nonnull %0, i32 4, i32 0, ptr %sp) #2
  unreachable

ok2:                                              ; preds = %ok
  %17 = load ptr, ptr %10, align 8
  %18 = getelementptr [32 x i8], ptr %17, i64 %13
  %19 = getelementptr inbounds nuw i8, ptr %18, i64 16
  %20 = load i32, ptr %19, align 4
  switch i32 %20, label %trap_IndirectCallTypeMismatch [
    i32 -2013265911, label %ok3
    i32 0, label %trap_UninitializedElement
  ], !prof !3

ok3:                                              ; preds = %ok2
  %21 = load ptr, ptr %18, align 8
  %22 = getelementptr inbounds nuw i8, ptr %18, i64 8
  %23 = load ptr, ptr %22, align 8
  %24 = notail call i32 %21(ptr %23, i32 %1)
  ret i32 %24

trap_UninitializedElement:                        ; preds = %ok2
  %25 = getelementptr inbounds nuw i8, ptr %0, i64 8
  %26 = load ptr, ptr %25, align 8, !invariant.load !1
  %27 = load ptr, ptr %26, align 8, !invariant.load !1
  tail call void %27(ptr nonnull %0, i32 5, i32 0, ptr %sp) #2
  unreachable

trap_IndirectCallTypeMismatch:                    ; preds = %ok2
  %28 = getelementptr inbounds nuw i8, ptr %0, i64 8
  %29 = load ptr, ptr %28, align 8, !invariant.load !1
  %30 = load ptr, ptr %29, align 8, !invariant.load !1
  tail call void %30(ptr nonnull %0, i32 6, i32 0, ptr %sp) #2
  unreachable
}

; Function Attrs: mustprogress nocallback nofree nosync nounwind willreturn memory(none)
declare ptr @llvm.frameaddress.p0(i32 immarg) #1

attributes #0 = { "frame-pointer"="all" "tune-cpu"="generic" }
attributes #1 = { mustprogress nocallback nofree nosync nounwind willreturn memory(none) }
attributes #2 = { cold noreturn }

!0 = !{!"branch_weights", !"expected", i32 1, i32 2000}
!1 = !{}
!2 = !{!"branch_weights", !"expected", i32 2000, i32 1}
!3 = !{!"branch_weights", i32 1, i32 4000, i32 1}
