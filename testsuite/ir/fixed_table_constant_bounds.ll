; ModuleID = 'kiln_unit0'
source_filename = "kiln_unit0"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-unknown-linux-gnu"

; Function Attrs: mustprogress nofree norecurse nosync nounwind willreturn memory(none)
define hidden range(i32 0, -1) i32 @kiln_f0(ptr readnone captures(none) %0, i32 %1) local_unnamed_addr #0 section "kiln_wasm_code" {
entry:
  %2 = shl i32 %1, 1
  ret i32 %2
}

define hidden i32 @kiln_f1(ptr %0, i32 %1, i32 %2) local_unnamed_addr #1 section "kiln_wasm_code" {
entry:
  %3 = getelementptr inbounds nuw i8, ptr %0, i64 32
  %4 = load ptr, ptr %3, align 8, !invariant.load !0
  %sp = tail call ptr @llvm.frameaddress.p0(i32 0)
  %5 = ptrtoint ptr %sp to i64
  %6 = load i64, ptr %0, align 8
  %7 = icmp ugt i64 %6, %5
  br i1 %7, label %trap_CallStackExhausted, label %loop, !prof !1

trap_CallStackExhausted:                          ; preds = %entry
  %8 = getelementptr inbounds nuw i8, ptr %0, i64 8
  %9 = load ptr, ptr %8, align 8, !invariant.load !0
  %10 = load ptr, ptr %9, align 8, !invariant.load !0
  tail call void %10(ptr nonnull %0, i32 10, i32 1, ptr %sp) #3
  unreachable

loop:                                             ; preds = %entry, %ok3
  %.011 = phi i32 [ %25, %ok3 ], [ %2, %entry ]
  %.0 = phi i32 [ %24, %ok3 ], [ 0, %entry ]
  %11 = and i32 %.011, 7
  %12 = icmp samesign ugt i32 %11, 3
  br i1 %12, label %trap_UndefinedElement, label %ok2, !prof !1

trap_UndefinedElement:                            ; preds = %loop
  %13 = getelementptr inbounds nuw i8, ptr %0, i64 8
  %14 = load ptr, ptr %13, align 8, !invariant.load !0
  %15 = load ptr, ptr %14, align 8, !invariant.load !0
  tail call void %15(ptr nonnull %0, i32 4, i32 1, ptr %sp) #3
  unreachable

ok2:                                              ; preds = %loop
  %16 = zext nneg i32 %11 to i64
  %17 = getelementptr [32 x i8], ptr %4, i64 %16
  %18 = getelementptr inbounds nuw i8, ptr %17, i64 16
  %19 = load i32, ptr %18, align 4
  switch i32 %19, label %trap_IndirectCallTypeMismatch [
    i32 -2013265911, label %ok3
    i32 0, label %trap_UninitializedElement
  ], !prof !2

ok3:                                              ; preds = %ok2
  %20 = load ptr, ptr %17, align 8
  %21 = getelementptr inbounds nuw i8, ptr %17, i64 8
  %22 = load ptr, ptr %21, align 8
  %23 = notail call i32 %20(ptr %22, i32 %.0)
  %24 = add i32 %23, %.0
  %25 = add i32 %.011, -1
  %.not = icmp eq i32 %25, 0
  br i1 %.not, label %br_if_else, label %loop

trap_UninitializedElement:                        ; preds = %ok2
  %26 = getelementptr inbounds nuw i8, ptr %0, i64 8
  %27 = load ptr, ptr %26, align 8, !invariant.load !0
  %28 = load ptr, ptr %27, align 8, !invariant.load !0
  tail call void %28(ptr nonnull %0, i32 5, i32 1, ptr %sp) #3
  unreachable

trap_IndirectCallTypeMismatch:                    ; preds = %ok2
  %29 = getelementptr inbounds nuw i8, ptr %0, i64 8
  %30 = load ptr, ptr %29, align 8, !invariant.load !0
  %31 = load ptr, ptr %30, align 8, !invariant.load !0
  tail call void %31(ptr nonnull %0, i32 6, i32 1, ptr %sp) #3
  unreachable

br_if_else:                                       ; preds = %ok3
  ret i32 %24
}

; Function Attrs: mustprogress nocallback nofree nosync nounwind willreturn memory(none)
declare ptr @llvm.frameaddress.p0(i32 immarg) #2

attributes #0 = { mustprogress nofree norecurse nosync nounwind willreturn memory(none) "frame-pointer"="all" "tune-cpu"="generic" }
attributes #1 = { "frame-pointer"="all" "tune-cpu"="generic" }
attributes #2 = { mustprogress nocallback nofree nosync nounwind willreturn memory(none) }
attributes #3 = { cold noreturn }

!0 = !{}
!1 = !{!"branch_weights", !"expected", i32 1, i32 2000}
!2 = !{!"branch_weights", i32 1, i32 4000, i32 1}
