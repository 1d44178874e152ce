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
  %8 = icmp eq i32 %1, 0
  br i1 %8, label %if_end, label %else

else:                                             ; preds = %ok
  %9 = add i32 %1, -1
  %10 = notail call i32 @kiln_f0(ptr nonnull %0, i32 %9)
  %11 = add i32 %10, 1
  br label %if_end

if_end:                                           ; preds = %ok, %else
  %12 = phi i32 [ %11, %else ], [ 0, %ok ]
  ret i32 %12
}

; Function Attrs: mustprogress nocallback nofree nosync nounwind willreturn memory(none)
declare ptr @llvm.frameaddress.p0(i32 immarg) #1

attributes #0 = { "frame-pointer"="all" "tune-cpu"="generic" }
attributes #1 = { mustprogress nocallback nofree nosync nounwind willreturn memory(none) }
attributes #2 = { cold noreturn }

!0 = !{!"branch_weights", !"expected", i32 1, i32 2000}
!1 = !{}
