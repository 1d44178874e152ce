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
stack_check:
  %fp14 = call ptr @llvm.frameaddress.p0(i32 0)
  %3 = ptrtoint ptr %fp14 to i64
  %4 = load i64, ptr %0, align 8
  %5 = icmp ult i64 %3, %4
  br i1 %5, label %trap_CallStackExhausted, label %entry, !prof !0

entry:                                            ; preds = %stack_check
  %6 = getelementptr inbounds nuw i8, ptr %0, i64 32
  %7 = load ptr, ptr %6, align 8, !invariant.load !1
  br label %loop

loop:                                             ; preds = %ok1, %entry
  %.09 = phi i32 [ %2, %entry ], [ %22, %ok1 ]
  %.0 = phi i32 [ 0, %entry ], [ %21, %ok1 ]
  %8 = and i32 %.09, 7
  %9 = icmp samesign ugt i32 %8, 3
  br i1 %9, label %trap_UndefinedElement, label %ok, !prof !2

trap_UndefinedElement:                            ; preds = %loop
  %10 = getelementptr inbounds nuw i8, ptr %0, i64 8
  %11 = load ptr, ptr %10, align 8, !invariant.load !1
  %12 = load ptr, ptr %11, align 8, !invariant.load !1
  %fp = tail call ptr @llvm.frameaddress.p0(i32 0)
  tail call void %12(ptr %0, i32 4, i32 1, ptr %fp) #3
  unreachable

ok:                                               ; preds = %loop
  %13 = zext nneg i32 %8 to i64
  %14 = getelementptr [32 x i8], ptr %7, i64 %13
  %15 = getelementptr inbounds nuw i8, ptr %14, i64 16
  %16 = load i32, ptr %15, align 4
  switch i32 %16, label %trap_IndirectCallTypeMismatch [
    i32 -2013265911, label %ok1
    i32 0, label %trap_UninitializedElement
  ], !prof !3

ok1:                                              ; preds = %ok
  %17 = load ptr, ptr %14, align 8
  %18 = getelementptr inbounds nuw i8, ptr %14, i64 8
  %19 = load ptr, ptr %18, align 8
  %20 = notail call i32 %17(ptr %19, i32 %.0)
  %21 = add i32 %20, %.0
  %22 = add i32 %.09, -1
  %.not = icmp eq i32 %22, 0
  br i1 %.not, label %br_if_else, label %loop

trap_UninitializedElement:                        ; preds = %ok
  %23 = getelementptr inbounds nuw i8, ptr %0, i64 8
  %24 = load ptr, ptr %23, align 8, !invariant.load !1
  %25 = load ptr, ptr %24, align 8, !invariant.load !1
  %fp2 = tail call ptr @llvm.frameaddress.p0(i32 0)
  tail call void %25(ptr %0, i32 5, i32 1, ptr %fp2) #3
  unreachable

trap_IndirectCallTypeMismatch:                    ; preds = %ok
  %26 = getelementptr inbounds nuw i8, ptr %0, i64 8
  %27 = load ptr, ptr %26, align 8, !invariant.load !1
  %28 = load ptr, ptr %27, align 8, !invariant.load !1
  %fp3 = tail call ptr @llvm.frameaddress.p0(i32 0)
  tail call void %28(ptr %0, i32 6, i32 1, ptr %fp3) #3
  unreachable

br_if_else:                                       ; preds = %ok1
  ret i32 %21

trap_CallStackExhausted:                          ; preds = %stack_check
  %29 = getelementptr inbounds i8, ptr %0, i64 8
  %30 = load ptr, ptr %29, align 8, !invariant.load !1
  %31 = load ptr, ptr %30, align 8, !invariant.load !1
  %fp15 = call ptr @llvm.frameaddress.p0(i32 0)
  call void %31(ptr %0, i32 10, i32 1, ptr %fp15) #3
  unreachable
}

; Function Attrs: mustprogress nocallback nofree nosync nounwind willreturn memory(none)
declare ptr @llvm.frameaddress.p0(i32 immarg) #2

attributes #0 = { mustprogress nofree norecurse nosync nounwind willreturn memory(none) "frame-pointer"="all" "tune-cpu"="generic" }
attributes #1 = { "frame-pointer"="all" "tune-cpu"="generic" }
attributes #2 = { mustprogress nocallback nofree nosync nounwind willreturn memory(none) }
attributes #3 = { cold noreturn }

!0 = !{!"branch_weights", i32 1, i32 2000}
!1 = !{}
!2 = !{!"branch_weights", !"expected", i32 1, i32 2000}
!3 = !{!"branch_weights", i32 1, i32 4000, i32 1}
