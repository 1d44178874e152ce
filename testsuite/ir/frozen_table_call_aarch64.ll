; ModuleID = 'kiln_unit0'
source_filename = "kiln_unit0"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i8:8:32-i16:16:32-i64:64-i128:128-n32:64-S128-Fn32"
target triple = "aarch64-unknown-linux-gnu"

@kiln_table0_calls_t0 = external hidden local_unnamed_addr constant [4 x ptr]

; Function Attrs: mustprogress nofree norecurse nosync nounwind willreturn memory(none)
define hidden i32 @kiln_f0(ptr readnone captures(none) %0, i32 %1) local_unnamed_addr #0 section "kiln_wasm_code" {
entry:
  %2 = add i32 %1, 1
  ret i32 %2
}

; Function Attrs: mustprogress nofree norecurse nosync nounwind willreturn memory(none)
define hidden range(i32 0, -1) i32 @kiln_f1(ptr readnone captures(none) %0, i32 %1) local_unnamed_addr #0 section "kiln_wasm_code" {
entry:
  %2 = shl i32 %1, 1
  ret i32 %2
}

; Function Attrs: mustprogress nofree norecurse nosync nounwind willreturn memory(none)
define hidden void @kiln_f2(ptr readnone captures(none) %0) local_unnamed_addr #0 section "kiln_wasm_code" {
entry:
  ret void
}

define hidden i32 @kiln_f3(ptr %0, i32 %1, i32 %2) local_unnamed_addr #1 section "kiln_wasm_code" {
stack_check:
  %fp2 = call ptr @llvm.frameaddress.p0(i32 0)
  %3 = ptrtoint ptr %fp2 to i64
  %4 = load i64, ptr %0, align 8, !tbaa !0
  %5 = icmp ult i64 %3, %4
  br i1 %5, label %trap_CallStackExhausted, label %entry, !prof !3

entry:                                            ; preds = %stack_check
  %6 = icmp ugt i32 %1, 3
  br i1 %6, label %trap_UndefinedElement, label %ok, !prof !4

trap_UndefinedElement:                            ; preds = %entry
  %7 = getelementptr inbounds nuw i8, ptr %0, i64 8
  %8 = load ptr, ptr %7, align 8, !tbaa !0, !invariant.load !5
  %9 = load ptr, ptr %8, align 8, !tbaa !0, !invariant.load !5
  %fp = tail call ptr @llvm.frameaddress.p0(i32 0)
  tail call void %9(ptr %0, i32 4, i32 3, ptr %fp) #3
  unreachable

ok:                                               ; preds = %entry
  %10 = zext nneg i32 %1 to i64
  %11 = getelementptr inbounds nuw ptr, ptr @kiln_table0_calls_t0, i64 %10
  %12 = load ptr, ptr %11, align 8, !tbaa !0
  %13 = notail call i32 %12(ptr %0, i32 %2)
  ret i32 %13

trap_CallStackExhausted:                          ; preds = %stack_check
  %14 = getelementptr inbounds i8, ptr %0, i64 8
  %15 = load ptr, ptr %14, align 8, !tbaa !0, !invariant.load !5
  %16 = load ptr, ptr %15, align 8, !tbaa !0, !invariant.load !5
  %fp3 = call ptr @llvm.frameaddress.p0(i32 0)
  call void %16(ptr %0, i32 10, i32 3, ptr %fp3) #3
  unreachable
}

; Function Attrs: mustprogress nocallback nofree nosync nounwind willreturn memory(none)
declare ptr @llvm.frameaddress.p0(i32 immarg) #2

attributes #0 = { mustprogress nofree norecurse nosync nounwind willreturn memory(none) "frame-pointer"="all" "tune-cpu"="generic" }
attributes #1 = { "frame-pointer"="all" "tune-cpu"="generic" }
attributes #2 = { mustprogress nocallback nofree nosync nounwind willreturn memory(none) }
attributes #3 = { cold noreturn }

!0 = !{!1, !1, i64 0}
!1 = !{!"kiln runtime data", !2, i64 0}
!2 = !{!"kiln"}
!3 = !{!"branch_weights", i32 1, i32 2000}
!4 = !{!"branch_weights", !"expected", i32 1, i32 2000}
!5 = !{}
