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
  %5 = load ptr, ptr %4, align 8, !invariant.load !0
  %6 = getelementptr inbounds nuw i8, ptr %0, i64 40
  %7 = load i32, ptr %6, align 8, !invariant.load !0
  %sp = tail call ptr @llvm.frameaddress.p0(i32 0)
  %8 = ptrtoint ptr %sp to i64
  %9 = load i64, ptr %0, align 8
  %10 = icmp ugt i64 %9, %8
  br i1 %10, label %trap_CallStackExhausted, label %loop, !prof !1

trap_CallStackExhausted:                          ; preds = %entry
  %11 = getelementptr inbounds nuw i8, ptr %0, i64 8
  %12 = load ptr, ptr %11, align 8, !invariant.load !0
  %13 = load ptr, ptr %12, align 8, !invariant.load !0
  tail call void %13(ptr nonnull %0, i32 10, i32 1, ptr %sp) #3
  unreachable

loop:                                             ; preds = %entry, %ok6
  %.012 = phi i32 [ %36, %ok6 ], [ %2, %entry ]
  %.0 = phi i32 [ %35, %ok6 ], [ 0, %entry ]
  %14 = and i32 %.012, 7
  %15 = icmp samesign ugt i32 %14, 3
  br i1 %15, label %trap_UndefinedElement, label %ok2, !prof !1

trap_UndefinedElement:                            ; preds = %loop
  %16 = getelementptr inbounds nuw i8, ptr %0, i64 8
  %17 = load ptr, ptr %16, align 8, !invariant.load !0
  %18 = load ptr, ptr %17, align 8, !invariant.load !0
  tail call void %18(ptr nonnull %0, i32 4, i32 1, ptr %sp) #3
  unreachable

ok2:                                              ; preds = %loop
  %19 = zext nneg i32 %14 to i64
  %20 = getelementptr ptr, ptr %5, i64 %19
  %21 = load ptr, ptr %20, align 8
  %22 = icmp eq ptr %21, null
  br i1 %22, label %trap_UninitializedElement, label %ok4, !prof !1

trap_UninitializedElement:                        ; preds = %ok2
  %23 = getelementptr inbounds nuw i8, ptr %0, i64 8
  %24 = load ptr, ptr %23, align 8, !invariant.load !0
  %25 = load ptr, ptr %24, align 8, !invariant.load !0
  tail call void %25(ptr nonnull %0, i32 5, i32 1, ptr %sp) #3
  unreachable

ok4:                                              ; preds = %ok2
  %26 = getelementptr inbounds nuw i8, ptr %21, i64 16
  %27 = load i32, ptr %26, align 4
  %.not = icmp eq i32 %27, %7
  br i1 %.not, label %ok6, label %trap_IndirectCallTypeMismatch, !prof !2

trap_IndirectCallTypeMismatch:                    ; preds = %ok4
  %28 = getelementptr inbounds nuw i8, ptr %0, i64 8
  %29 = load ptr, ptr %28, align 8, !invariant.load !0
  %30 = load ptr, ptr %29, align 8, !invariant.load !0
  tail call void %30(ptr nonnull %0, i32 6, i32 1, ptr %sp) #3
  unreachable

ok6:                                              ; preds = %ok4
  %31 = load ptr, ptr %21, align 8
  %32 = getelementptr inbounds nuw i8, ptr %21, i64 8
  %33 = load ptr, ptr %32, align 8
  %34 = notail call i32 %31(ptr %33, i32 %.0)
  %35 = add i32 %34, %.0
  %36 = add i32 %.012, -1
  %.not16 = icmp eq i32 %36, 0
  br i1 %.not16, label %br_if_else, label %loop

br_if_else:                                       ; preds = %ok6
  ret i32 %35
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
