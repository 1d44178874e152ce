; ModuleID = 'kiln_unit0'
source_filename = "kiln_unit0"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-unknown-linux-gnu"

define hidden i32 @kiln_f0(ptr %0, i32 %1) local_unnamed_addr #0 section "kiln_wasm_code" {
entry:
  %2 = getelementptr inbounds nuw i8, ptr %0, i64 48
  %3 = load ptr, ptr %2, align 8, !invariant.load !0
  %4 = zext i32 %1 to i64
  %5 = add nuw nsw i64 %4, 20
  %6 = getelementptr inbounds nuw i8, ptr %3, i64 8
  %7 = load i64, ptr %6, align 8
  %8 = icmp ugt i64 %5, %7
  br i1 %8, label %trap_MemoryOutOfBounds, label %ok, !prof !1

trap_MemoryOutOfBounds:                           ; preds = %entry
  %9 = getelementptr inbounds nuw i8, ptr %0, i64 8
  %10 = load ptr, ptr %9, align 8, !invariant.load !0
  %11 = load ptr, ptr %10, align 8, !invariant.load !0
  %fp = tail call ptr @llvm.frameaddress.p0(i32 0)
  tail call void %11(ptr nonnull %0, i32 2, i32 0, ptr %fp) #2
  unreachable

ok:                                               ; preds = %entry
  %12 = getelementptr inbounds nuw i8, ptr %0, i64 24
  %13 = load ptr, ptr %12, align 8, !invariant.load !0
  %14 = getelementptr i8, ptr %13, i64 %4
  %15 = getelementptr i8, ptr %14, i64 16
  %16 = load i32, ptr %15, align 1
  ret i32 %16
}

; Function Attrs: mustprogress nocallback nofree nosync nounwind willreturn memory(none)
declare ptr @llvm.frameaddress.p0(i32 immarg) #1

attributes #0 = { "frame-pointer"="all" "tune-cpu"="generic" }
attributes #1 = { mustprogress nocallback nofree nosync nounwind willreturn memory(none) }
attributes #2 = { cold noreturn }

!0 = !{}
!1 = !{!"branch_weights", !"expected", i32 1, i32 2000}
