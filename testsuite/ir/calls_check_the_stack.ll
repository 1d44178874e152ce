; ModuleID = 'kiln_unit0'
source_filename = "kiln_unit0"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-unknown-linux-gnu"

; Function Attrs: uwtable
define hidden i32 @kiln_f1(ptr %0, i32 %1) local_unnamed_addr #0 section "kiln_wasm_code" {
stack_check:
  %sp = call i64 @llvm.read_register.i64(metadata !0)
  %2 = load i64, ptr %0, align 8, !tbaa !1
  %3 = icmp ult i64 %sp, %2
  br i1 %3, label %trap_CallStackExhausted, label %entry, !prof !4

entry:                                            ; preds = %stack_check
  %4 = getelementptr inbounds nuw i8, ptr %0, i64 64
  %5 = load ptr, ptr %4, align 8, !tbaa !1, !invariant.load !5
  %6 = getelementptr inbounds nuw i8, ptr %0, i64 72
  %7 = load ptr, ptr %6, align 8, !tbaa !1, !invariant.load !5
  notail call void %5(ptr %7, i32 %1)
  %8 = icmp eq i32 %1, 0
  br i1 %8, label %if_end, label %else

else:                                             ; preds = %entry
  %9 = add i32 %1, -1
  %10 = notail call i32 @kiln_f1(ptr nonnull %0, i32 %9)
  %11 = add i32 %10, 1
  br label %if_end

if_end:                                           ; preds = %entry, %else
  %12 = phi i32 [ %11, %else ], [ 0, %entry ]
  ret i32 %12

trap_CallStackExhausted:                          ; preds = %stack_check
  call void asm sideeffect "ud2\0A\09.byte 10\0A\09.long 1", ""() #2
  unreachable
}

; Function Attrs: nocallback nofree nosync nounwind willreturn memory(read)
declare i64 @llvm.read_register.i64(metadata) #1

attributes #0 = { uwtable "frame-pointer"="none" "probe-stack"="inline-asm" "tune-cpu"="generic" }
attributes #1 = { nocallback nofree nosync nounwind willreturn memory(read) }
attributes #2 = { cold noreturn }

!0 = !{!"rsp"}
!1 = !{!2, !2, i64 0}
!2 = !{!"kiln runtime data", !3, i64 0}
!3 = !{!"kiln"}
!4 = !{!"branch_weights", i32 1, i32 2000}
!5 = !{}
