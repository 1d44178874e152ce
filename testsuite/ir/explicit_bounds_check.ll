; ModuleID = 'kiln_unit0'
source_filename = "kiln_unit0"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-unknown-linux-gnu"

define hidden i32 @kiln_f0(ptr %0, i32 %1) local_unnamed_addr #0 section "kiln_wasm_code" {
entry:
  %2 = getelementptr inbounds nuw i8, ptr %0, i64 8
  %3 = load ptr, ptr %2, align 8, !invariant.load !0
  %4 = load ptr, ptr %3, align 8, !invariant.load !0
  %5 = getelementptr inbounds nuw i8, ptr %0, i64 32
  %6 = load ptr, ptr %5, align 8, !invariant.load !0
  %sp = tail call ptr @llvm.frameaddress.p0(i32 0)
  %7 = ptrtoint ptr %sp to i64
  %8 = load i64, ptr %0, align 8
  %9 = icmp ugt i64 %8, %7
  br i1 %9, label %trap_CallStackExhausted, label %ok, !prof !1

trap_CallStackExhausted:                          ; preds = %entry
  tail call void %4(ptr nonnull %0, i32 10, i32 0, ptr %sp) #2
  unreachable

ok:                                               ; preds = %entry
  %10 = zext i32 %1 to i64
  %11 = add nuw nsw i64 %10, 20
  %12 = getelementptr inbounds nuw i8, ptr %6, i64 8
  %13 = load i64, ptr %12, align 8
  %14 = icmp ugt i64 %11, %13
  br i1 %14, label %trap_MemoryOutOfBounds, label %ok2, !prof !1

trap_MemoryOutOfBounds:                           ; preds = %ok
  tail call void %4(ptr nonnull %0, i32 2, i32 0, ptr %sp) #2
  unreachable

ok2:                                              ; preds = %ok
  %15 = load ptr, ptr %6, align 8, !invariant.load !0
  %16 = getelementptr i8, ptr %15, i64 %10
  %17 = getelementptr i8, ptr %16, i64 16
  %18 = load i32, ptr %17, align 1
  ret i32 %18
}

; Function Attrs: mustprogress nocallback nofree nosync nounwind willreturn memory(none)
declare ptr @llvm.frameaddress.p0(i32 immarg) #1

attributes #0 = { "frame-pointer"="all" }
attributes #1 = { mustprogress nocallback nofree nosync nounwind willreturn memory(none) }
attributes #2 = { cold noreturn }

!0 = !{}
!1 = !{!"branch_weights", !"expected", i32 1, i32 2000}
