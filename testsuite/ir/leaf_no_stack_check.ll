; ModuleID = 'kiln_unit0'
source_filename = "kiln_unit0"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-unknown-linux-gnu"

; Function Attrs: nofree norecurse nounwind memory(readwrite, target_mem0: none, target_mem1: none) uwtable
define hidden i32 @kiln_f0(ptr readonly captures(none) %0, i32 %1, i32 %2) local_unnamed_addr #0 section "kiln_wasm_code" {
entry:
  %3 = getelementptr inbounds nuw i8, ptr %0, i64 24
  %4 = load ptr, ptr %3, align 8, !tbaa !0, !invariant.load !3
  %5 = icmp eq i32 %2, 0
  br i1 %5, label %block_end, label %br_if_else.preheader

br_if_else.preheader:                             ; preds = %entry
  %6 = zext i32 %1 to i64
  %xtraiter = and i32 %2, 3
  %7 = icmp ult i32 %2, 4
  br i1 %7, label %br_if_else.epil.preheader, label %br_if_else.preheader.new

br_if_else.preheader.new:                         ; preds = %br_if_else.preheader
  %unroll_iter = and i32 %2, -4
  br label %br_if_else

block_end.loopexit.unr-lcssa:                     ; preds = %br_if_else
  %lcmp.mod.not = icmp eq i32 %xtraiter, 0
  br i1 %lcmp.mod.not, label %block_end, label %br_if_else.epil.preheader

br_if_else.epil.preheader:                        ; preds = %block_end.loopexit.unr-lcssa, %br_if_else.preheader
  %indvars.iv.epil.init = phi i64 [ %6, %br_if_else.preheader ], [ %indvars.iv.next.3, %block_end.loopexit.unr-lcssa ]
  %.010.epil.init = phi i32 [ 0, %br_if_else.preheader ], [ %25, %block_end.loopexit.unr-lcssa ]
  %lcmp.mod13 = icmp ne i32 %xtraiter, 0
  tail call void @llvm.assume(i1 %lcmp.mod13)
  br label %br_if_else.epil

br_if_else.epil:                                  ; preds = %br_if_else.epil, %br_if_else.epil.preheader
  %indvars.iv.epil = phi i64 [ %indvars.iv.epil.init, %br_if_else.epil.preheader ], [ %indvars.iv.next.epil, %br_if_else.epil ]
  %.010.epil = phi i32 [ %.010.epil.init, %br_if_else.epil.preheader ], [ %10, %br_if_else.epil ]
  %epil.iter = phi i32 [ 0, %br_if_else.epil.preheader ], [ %epil.iter.next, %br_if_else.epil ]
  %8 = getelementptr i8, ptr %4, i64 %indvars.iv.epil
  %9 = load volatile i32, ptr %8, align 1, !tbaa !4
  %10 = add i32 %9, %.010.epil
  %indvars.iv.next.epil = add nuw nsw i64 %indvars.iv.epil, 4
  %epil.iter.next = add i32 %epil.iter, 1
  %epil.iter.cmp.not = icmp eq i32 %epil.iter.next, %xtraiter
  br i1 %epil.iter.cmp.not, label %block_end, label %br_if_else.epil, !llvm.loop !6

block_end:                                        ; preds = %block_end.loopexit.unr-lcssa, %br_if_else.epil, %entry
  %.0.lcssa = phi i32 [ 0, %entry ], [ %25, %block_end.loopexit.unr-lcssa ], [ %10, %br_if_else.epil ]
  ret i32 %.0.lcssa

br_if_else:                                       ; preds = %br_if_else, %br_if_else.preheader.new
  %indvars.iv = phi i64 [ %6, %br_if_else.preheader.new ], [ %indvars.iv.next.3, %br_if_else ]
  %.010 = phi i32 [ 0, %br_if_else.preheader.new ], [ %25, %br_if_else ]
  %niter = phi i32 [ 0, %br_if_else.preheader.new ], [ %niter.next.3, %br_if_else ]
  %11 = getelementptr i8, ptr %4, i64 %indvars.iv
  %12 = load volatile i32, ptr %11, align 1, !tbaa !4
  %13 = add i32 %12, %.010
  %14 = getelementptr i8, ptr %4, i64 %indvars.iv
  %15 = getelementptr i8, ptr %14, i64 4
  %16 = load volatile i32, ptr %15, align 1, !tbaa !4
  %17 = add i32 %16, %13
  %18 = getelementptr i8, ptr %4, i64 %indvars.iv
  %19 = getelementptr i8, ptr %18, i64 8
  %20 = load volatile i32, ptr %19, align 1, !tbaa !4
  %21 = add i32 %20, %17
  %22 = getelementptr i8, ptr %4, i64 %indvars.iv
  %23 = getelementptr i8, ptr %22, i64 12
  %24 = load volatile i32, ptr %23, align 1, !tbaa !4
  %25 = add i32 %24, %21
  %indvars.iv.next.3 = add nuw nsw i64 %indvars.iv, 16
  %niter.next.3 = add i32 %niter, 4
  %niter.ncmp.3 = icmp eq i32 %niter.next.3, %unroll_iter
  br i1 %niter.ncmp.3, label %block_end.loopexit.unr-lcssa, label %br_if_else
}

; Function Attrs: nocallback nofree nosync nounwind willreturn memory(inaccessiblemem: write)
declare void @llvm.assume(i1 noundef) #1

attributes #0 = { nofree norecurse nounwind memory(readwrite, target_mem0: none, target_mem1: none) uwtable "frame-pointer"="none" "probe-stack"="inline-asm" "tune-cpu"="generic" }
attributes #1 = { nocallback nofree nosync nounwind willreturn memory(inaccessiblemem: write) }

!0 = !{!1, !1, i64 0}
!1 = !{!"kiln runtime data", !2, i64 0}
!2 = !{!"kiln"}
!3 = !{}
!4 = !{!5, !5, i64 0}
!5 = !{!"wasm linear memory", !2, i64 0}
!6 = distinct !{!6, !7}
!7 = !{!"llvm.loop.unroll.disable"}
