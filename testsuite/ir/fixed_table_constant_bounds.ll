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
  %5 = getelementptr inbounds nuw i8, ptr %0, i64 56
  %6 = load i32, ptr %5, align 8, !invariant.load !0
  %sp = tail call ptr @llvm.frameaddress.p0(i32 0)
  %7 = ptrtoint ptr %sp to i64
  %8 = load i64, ptr %0, align 8
  %9 = icmp ugt i64 %8, %7
  br i1 %9, label %trap_CallStackExhausted, label %loop, !prof !1

trap_CallStackExhausted:                          ; preds = %entry
  %10 = getelementptr inbounds nuw i8, ptr %0, i64 8
  %11 = load ptr, ptr %10, align 8, !invariant.load !0
  %12 = load ptr, ptr %11, align 8, !invariant.load !0
  tail call void %12(ptr nonnull %0, i32 10, i32 1, ptr %sp) #3
  unreachable

loop:                                             ; preds = %entry, %ok6
  %.012 = phi i32 [ %35, %ok6 ], [ %2, %entry ]
  %.0 = phi i32 [ %34, %ok6 ], [ 0, %entry ]
  %13 = and i32 %.012, 7
  %14 = icmp samesign ugt i32 %13, 3
  br i1 %14, label %trap_UndefinedElement, label %ok2, !prof !1

trap_UndefinedElement:                            ; preds = %loop
  %15 = getelementptr inbounds nuw i8, ptr %0, i64 8
  %16 = load ptr, ptr %15, align 8, !invariant.load !0
  %17 = load ptr, ptr %16, align 8, !invariant.load !0
  tail call void %17(ptr nonnull %0, i32 4, i32 1, ptr %sp) #3
  unreachable

ok2:                                              ; preds = %loop
  %18 = zext nneg i32 %13 to i64
  %19 = getelementptr ptr, ptr %4, i64 %18
  %20 = load ptr, ptr %19, align 8
  %21 = icmp eq ptr %20, null
  br i1 %21, label %trap_UninitializedElement, label %ok4, !prof !1

trap_UninitializedElement:                        ; preds = %ok2
  %22 = getelementptr inbounds nuw i8, ptr %0, i64 8
  %23 = load ptr, ptr %22, align 8, !invariant.load !0
  %24 = load ptr, ptr %23, align 8, !invariant.load !0
  tail call void %24(ptr nonnull %0, i32 5, i32 1, ptr %sp) #3
  unreachable

ok4:                                              ; preds = %ok2
  %25 = getelementptr inbounds nuw i8, ptr %20, i64 16
  %26 = load i32, ptr %25, align 4
  %.not = icmp eq i32 %26, %6
  br i1 %.not, label %ok6, label %trap_IndirectCallTypeMismatch, !prof !2

trap_IndirectCallTypeMismatch:                    ; preds = %ok4
  %27 = getelementptr inbounds nuw i8, ptr %0, i64 8
  %28 = load ptr, ptr %27, align 8, !invariant.load !0
  %29 = load ptr, ptr %28, align 8, !invariant.load !0
  tail call void %29(ptr nonnull %0, i32 6, i32 1, ptr %sp) #3
  unreachable

ok6:                                              ; preds = %ok4
  %30 = load ptr, ptr %20, align 8
  %31 = getelementptr inbounds nuw i8, ptr %20, i64 8
  %32 = load ptr, ptr %31, align 8
  %33 = notail call i32 %30(ptr %32, i32 %.0)
  %34 = add i32 %33, %.0
  %35 = add i32 %.012, -1
  %.not16 = icmp eq i32 %35, 0
  br i1 %.not16, label %br_if_else, label %loop

br_if_else:                                       ; preds = %ok6
  ret i32 %34
}

; Function Attrs: mustprogress nocallback nofree nosync nounwind willreturn memory(none)
declare ptr @llvm.frameaddress.p0(i32 immarg) #2

attributes #0 = { mustprogress nofree norecurse nosync nounwind willreturn memory(none) "frame-pointer"="all" "tune-cpu"="generic" }
attributes #1 = { "frame-pointer"="all" "tune-cpu"="generic" }
attributes #2 = { mustprogress nocallback nofree nosync nounwind willreturn memory(none) }
attributes #3 = { cold noreturn }

!0 = !{}
!1 = !{!"branch_weights", !"expected", i32 1, i32 2000}
!2 = !{!"branch_weights", !"expected", i32 2000, i32 1}
