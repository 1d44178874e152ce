; ModuleID = 'kiln_unit0'
source_filename = "kiln_unit0"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-unknown-linux-gnu"

define hidden i32 @kiln_f0(ptr %0, i32 %1) local_unnamed_addr #0 section "kiln_wasm_code" {
entry:
  %sp = tail call ptr @llvm.frameaddress.p0(i32 0)
  %2 = ptrtoint ptr %sp to i64
  %3 = load i64, ptr %0, align 8
  %4 = icmp ugt i64 %3, %2
  br i1 %4, label %trap_CallStackExhausted, label %ok, !prof !0

trap_CallStackExhausted:                          ; preds = %entry
  %5 = getelementptr inbounds nuw i8, ptr %0, i64 8
  %6 = load ptr, ptr %5, align 8, !invariant.load !1
  %7 = load ptr, ptr %6, align 8, !invariant.load !1
  tail call void %7(ptr nonnull %0, i32 10, i32 0, ptr %sp) #2
  unreachable

ok:                                               ; preds = %entry
  %8 = getelementptr inbounds nuw i8, ptr %0, i64 32
  %9 = load ptr, ptr %8, align 8, !invariant.load !1
  %10 = load ptr, ptr %9, align 8, !invariant.load !1
  %11 = zext i32 %1 to i64
  %12 = getelementptr i8, ptr %10, i64 %11
  %13 = getelementptr i8, ptr %12, i64 16
  %14 = load i32, ptr %13, align 1
  ret i32 %14
}

; Function Attrs: mustprogress nocallback nofree nosync nounwind willreturn memory(none)
declare ptr @llvm.frameaddress.p0(i32 immarg) #1

define hidden void @kiln_f1(ptr %0, i32 %1, i32 %2) local_unnamed_addr #0 section "kiln_wasm_code" {
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
  tail call void %8(ptr nonnull %0, i32 10, i32 1, ptr %sp) #2
  unreachable

ok:                                               ; preds = %entry
  %9 = getelementptr inbounds nuw i8, ptr %0, i64 32
  %10 = load ptr, ptr %9, align 8, !invariant.load !1
  %11 = load ptr, ptr %10, align 8, !invariant.load !1
  %12 = zext i32 %1 to i64
  %13 = getelementptr i8, ptr %11, i64 %12
  store i32 %2, ptr %13, align 1
  ret void
}

attributes #0 = { "frame-pointer"="all" }
attributes #1 = { mustprogress nocallback nofree nosync nounwind willreturn memory(none) }
attributes #2 = { cold noreturn }

!0 = !{!"branch_weights", !"expected", i32 1, i32 2000}
!1 = !{}
