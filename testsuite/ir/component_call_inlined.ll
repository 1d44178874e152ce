; ModuleID = 'kiln_m0_unit0'
source_filename = "kiln_m0_unit0"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-unknown-linux-gnu"

; Function Attrs: mustprogress nofree norecurse nosync nounwind willreturn memory(none) uwtable
define hidden i32 @kiln_m0_f0(ptr readnone captures(none) %0, i32 %1, i32 %2) local_unnamed_addr #0 section "kiln_wasm_code" {
entry:
  %3 = add i32 %2, %1
  ret i32 %3
}

attributes #0 = { mustprogress nofree norecurse nosync nounwind willreturn memory(none) uwtable "frame-pointer"="none" "probe-stack"="inline-asm" "tune-cpu"="generic" }
; ModuleID = 'kiln_m1_unit0'
source_filename = "kiln_m1_unit0"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-unknown-linux-gnu"

; Function Attrs: uwtable
define hidden i32 @kiln_m1_f9(ptr %0, i32 %1, i32 %2) local_unnamed_addr #0 section "kiln_wasm_code" {
stack_check:
  %sp = call i64 @llvm.read_register.i64(metadata !0)
  %3 = load i64, ptr %0, align 8, !tbaa !1
  %4 = icmp ult i64 %sp, %3
  br i1 %4, label %trap_CallStackExhausted, label %entry, !prof !4

entry:                                            ; preds = %stack_check
  %5 = getelementptr inbounds nuw i8, ptr %0, i64 56
  %6 = load ptr, ptr %5, align 8, !tbaa !1, !invariant.load !5
  %7 = load i32, ptr %6, align 4, !tbaa !1
  %8 = icmp eq i32 %7, 0
  br i1 %8, label %then, label %if_end

then:                                             ; preds = %entry
  %9 = getelementptr inbounds nuw i8, ptr %0, i64 288
  %10 = load ptr, ptr %9, align 8, !tbaa !1, !invariant.load !5
  %11 = getelementptr inbounds nuw i8, ptr %0, i64 280
  %12 = load ptr, ptr %11, align 8, !tbaa !1, !invariant.load !5
  notail call void %12(ptr %10)
  tail call void asm sideeffect "ud2\0A\09.byte 1\0A\09.long 9", ""() #2
  unreachable

if_end:                                           ; preds = %entry
  %13 = add i32 %2, %1
  ret i32 %13

trap_CallStackExhausted:                          ; preds = %stack_check
  call void asm sideeffect "ud2\0A\09.byte 10\0A\09.long 9", ""() #3
  unreachable
}

; Function Attrs: nocallback nofree nosync nounwind willreturn memory(read)
declare i64 @llvm.read_register.i64(metadata) #1

attributes #0 = { uwtable "frame-pointer"="none" "probe-stack"="inline-asm" "tune-cpu"="generic" }
attributes #1 = { nocallback nofree nosync nounwind willreturn memory(read) }
attributes #2 = { cold noreturn nounwind }
attributes #3 = { cold noreturn }

!0 = !{!"rsp"}
!1 = !{!2, !2, i64 0}
!2 = !{!"kiln runtime data", !3, i64 0}
!3 = !{!"kiln"}
!4 = !{!"branch_weights", i32 1, i32 2000}
!5 = !{}
; ModuleID = 'kiln_m2_unit0'
source_filename = "kiln_m2_unit0"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-unknown-linux-gnu"

; Function Attrs: uwtable
define hidden i32 @kiln_m2_f1(ptr %0, i32 %1) local_unnamed_addr #0 section "kiln_wasm_code" {
stack_check:
  %sp = call i64 @llvm.read_register.i64(metadata !0)
  %2 = load i64, ptr %0, align 8, !tbaa !1
  %3 = icmp ult i64 %sp, %2
  br i1 %3, label %trap_CallStackExhausted, label %entry, !prof !4

entry:                                            ; preds = %stack_check
  %4 = getelementptr inbounds nuw i8, ptr %0, i64 72
  %5 = load ptr, ptr %4, align 8, !tbaa !1, !invariant.load !5
  %.not8.not = icmp eq i32 %1, 0
  br i1 %.not8.not, label %block_end, label %br_if_else.lr.ph

br_if_else.lr.ph:                                 ; preds = %entry
  %6 = getelementptr inbounds nuw i8, ptr %5, i64 56
  %7 = load ptr, ptr %6, align 8, !tbaa !1, !invariant.load !5
  br label %br_if_else

block_end:                                        ; preds = %kiln_m1_f9.exit, %entry
  %.0.lcssa = phi i32 [ 0, %entry ], [ %14, %kiln_m1_f9.exit ]
  ret i32 %.0.lcssa

br_if_else:                                       ; preds = %br_if_else.lr.ph, %kiln_m1_f9.exit
  %.010 = phi i32 [ 0, %br_if_else.lr.ph ], [ %14, %kiln_m1_f9.exit ]
  %.069 = phi i32 [ 0, %br_if_else.lr.ph ], [ %15, %kiln_m1_f9.exit ]
  %8 = load i32, ptr %7, align 4, !tbaa !1
  %9 = icmp eq i32 %8, 0
  br i1 %9, label %then.i, label %kiln_m1_f9.exit

then.i:                                           ; preds = %br_if_else
  %10 = getelementptr inbounds nuw i8, ptr %5, i64 288
  %11 = load ptr, ptr %10, align 8, !tbaa !1, !invariant.load !5
  %12 = getelementptr inbounds nuw i8, ptr %5, i64 280
  %13 = load ptr, ptr %12, align 8, !tbaa !1, !invariant.load !5
  notail call void %13(ptr %11)
  tail call void asm sideeffect "ud2\0A\09.byte 1\0A\09.long 4294967294", ""() #2
  unreachable

kiln_m1_f9.exit:                                  ; preds = %br_if_else
  %14 = add i32 %.010, %.069
  %15 = add nuw i32 %.069, 1
  %exitcond.not = icmp eq i32 %15, %1
  br i1 %exitcond.not, label %block_end, label %br_if_else

trap_CallStackExhausted:                          ; preds = %stack_check
  call void asm sideeffect "ud2\0A\09.byte 10\0A\09.long 1", ""() #3
  unreachable
}

; Function Attrs: nocallback nofree nosync nounwind willreturn memory(read)
declare i64 @llvm.read_register.i64(metadata) #1

attributes #0 = { uwtable "frame-pointer"="none" "probe-stack"="inline-asm" "tune-cpu"="generic" }
attributes #1 = { nocallback nofree nosync nounwind willreturn memory(read) }
attributes #2 = { cold noreturn nounwind }
attributes #3 = { cold noreturn }

!0 = !{!"rsp"}
!1 = !{!2, !2, i64 0}
!2 = !{!"kiln runtime data", !3, i64 0}
!3 = !{!"kiln"}
!4 = !{!"branch_weights", i32 1, i32 2000}
!5 = !{}
