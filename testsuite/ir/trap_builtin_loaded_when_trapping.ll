; ModuleID = 'kiln_unit0'
source_filename = "kiln_unit0"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i8:8:32-i16:16:32-i64:64-i128:128-n32:64-S128-Fn32"
target triple = "aarch64-unknown-linux-gnu"

define hidden i32 @kiln_f0(ptr %0, i32 %1, i32 %2) local_unnamed_addr #0 section "kiln_wasm_code" {
entry:
  %3 = icmp eq i32 %2, 0
  br i1 %3, label %trap_IntegerDivideByZero, label %ok, !prof !0

trap_IntegerDivideByZero:                         ; preds = %entry
  %4 = getelementptr inbounds nuw i8, ptr %0, i64 8
  %5 = load ptr, ptr %4, align 8, !tbaa !1, !invariant.load !4
  %6 = load ptr, ptr %5, align 8, !tbaa !1, !invariant.load !4
  %fp = tail call ptr @llvm.frameaddress.p0(i32 0)
  tail call void %6(ptr %0, i32 7, i32 0, ptr %fp) #2
  unreachable

ok:                                               ; preds = %entry
  %7 = icmp eq i32 %1, -2147483648
  %8 = icmp eq i32 %2, -1
  %9 = and i1 %7, %8
  br i1 %9, label %trap_IntegerOverflow, label %ok2, !prof !0

trap_IntegerOverflow:                             ; preds = %ok
  %10 = getelementptr inbounds nuw i8, ptr %0, i64 8
  %11 = load ptr, ptr %10, align 8, !tbaa !1, !invariant.load !4
  %12 = load ptr, ptr %11, align 8, !tbaa !1, !invariant.load !4
  %fp1 = tail call ptr @llvm.frameaddress.p0(i32 0)
  tail call void %12(ptr %0, i32 8, i32 0, ptr %fp1) #2
  unreachable

ok2:                                              ; preds = %ok
  %13 = sdiv i32 %1, %2
  ret i32 %13
}

; Function Attrs: mustprogress nocallback nofree nosync nounwind willreturn memory(none)
declare ptr @llvm.frameaddress.p0(i32 immarg) #1

attributes #0 = { "frame-pointer"="all" "tune-cpu"="generic" }
attributes #1 = { mustprogress nocallback nofree nosync nounwind willreturn memory(none) }
attributes #2 = { cold noreturn }

!0 = !{!"branch_weights", !"expected", i32 1, i32 2000}
!1 = !{!2, !2, i64 0}
!2 = !{!"kiln runtime data", !3, i64 0}
!3 = !{!"kiln"}
!4 = !{}
