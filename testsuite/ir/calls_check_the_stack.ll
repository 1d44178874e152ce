; ModuleID = 'kiln_unit0'
source_filename = "kiln_unit0"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-unknown-linux-gnu"

define hidden i32 @kiln_f1(ptr %0, i32 %1) local_unnamed_addr #0 section "kiln_wasm_code" {
stack_check:
  %fp = call ptr @llvm.frameaddress.p0(i32 0)
  %2 = ptrtoint ptr %fp to i64
  %3 = load i64, ptr %0, align 8, !tbaa !0
  %4 = icmp ult i64 %2, %3
  br i1 %4, label %trap_CallStackExhausted, label %entry, !prof !3

entry:                                            ; preds = %stack_check
  %5 = getelementptr inbounds nuw i8, ptr %0, i64 56
  %6 = load ptr, ptr %5, align 8, !tbaa !0, !invariant.load !4
  %7 = getelementptr inbounds nuw i8, ptr %0, i64 64
  %8 = load ptr, ptr %7, align 8, !tbaa !0, !invariant.load !4
  notail call void %6(ptr %8, i32 %1)
  %9 = icmp eq i32 %1, 0
  br i1 %9, label %if_end, label %else

else:                                             ; preds = %entry
  %10 = add i32 %1, -1
  %11 = notail call i32 @kiln_f1(ptr nonnull %0, i32 %10)
  %12 = add i32 %11, 1
  br label %if_end

if_end:                                           ; preds = %entry, %else
  %13 = phi i32 [ %12, %else ], [ 0, %entry ]
  ret i32 %13

trap_CallStackExhausted:                          ; preds = %stack_check
  call void asm sideeffect "ud2\0A\09.byte 10\0A\09.long 1", ""() #2
  unreachable
}

; Function Attrs: nocallback nofree nosync nounwind willreturn memory(none)
declare ptr @llvm.frameaddress.p0(i32 immarg) #1

attributes #0 = { "frame-pointer"="all" "probe-stack"="inline-asm" "tune-cpu"="generic" }
attributes #1 = { nocallback nofree nosync nounwind willreturn memory(none) }
attributes #2 = { cold noreturn }

!0 = !{!1, !1, i64 0}
!1 = !{!"kiln runtime data", !2, i64 0}
!2 = !{!"kiln"}
!3 = !{!"branch_weights", i32 1, i32 2000}
!4 = !{}
