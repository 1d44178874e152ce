; ModuleID = 'kiln_unit0'
source_filename = "kiln_unit0"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-unknown-linux-gnu"

; Function Attrs: nofree norecurse nounwind memory(readwrite, target_mem0: none, target_mem1: none) uwtable
define hidden void @kiln_f0(ptr readonly captures(none) %0, i32 %1) local_unnamed_addr #0 section "kiln_wasm_code" {
entry:
  %2 = getelementptr inbounds nuw i8, ptr %0, i64 64
  %3 = load ptr, ptr %2, align 8, !tbaa !0, !invariant.load !3
  %4 = getelementptr inbounds nuw i8, ptr %0, i64 24
  %5 = load ptr, ptr %4, align 8, !tbaa !0, !invariant.load !3
  %6 = load i32, ptr %3, align 4, !tbaa !0
  %.fr = freeze i32 %1
  %umax = tail call i32 @llvm.umax.i32(i32 %.fr, i32 1)
  %wide.trip.count = zext i32 %umax to i64
  %xtraiter = and i64 %wide.trip.count, 3
  %7 = icmp ult i32 %.fr, 4
  br i1 %7, label %loop.epil.preheader, label %entry.new

entry.new:                                        ; preds = %entry
  %unroll_iter = and i64 %wide.trip.count, 4294967292
  br label %loop

loop:                                             ; preds = %loop, %entry.new
  %indvars.iv = phi i64 [ 0, %entry.new ], [ %indvars.iv.next.3, %loop ]
  %niter = phi i64 [ 0, %entry.new ], [ %niter.next.3, %loop ]
  %8 = shl i64 %indvars.iv, 2
  %9 = and i64 %8, 4294967280
  %10 = getelementptr i8, ptr %5, i64 %9
  store volatile i32 %6, ptr %10, align 1, !tbaa !4
  %indvars.iv.next = shl i64 %indvars.iv, 2
  %11 = and i64 %indvars.iv.next, 4294967280
  %12 = getelementptr i8, ptr %5, i64 %11
  %13 = getelementptr i8, ptr %12, i64 4
  store volatile i32 %6, ptr %13, align 1, !tbaa !4
  %indvars.iv.next.1 = shl i64 %indvars.iv, 2
  %14 = and i64 %indvars.iv.next.1, 4294967280
  %15 = getelementptr i8, ptr %5, i64 %14
  %16 = getelementptr i8, ptr %15, i64 8
  store volatile i32 %6, ptr %16, align 1, !tbaa !4
  %indvars.iv.next.2 = shl i64 %indvars.iv, 2
  %17 = and i64 %indvars.iv.next.2, 4294967280
  %18 = getelementptr i8, ptr %5, i64 %17
  %19 = getelementptr i8, ptr %18, i64 12
  store volatile i32 %6, ptr %19, align 1, !tbaa !4
  %indvars.iv.next.3 = add nuw nsw i64 %indvars.iv, 4
  %niter.next.3 = add i64 %niter, 4
  %niter.ncmp.3 = icmp eq i64 %niter.next.3, %unroll_iter
  br i1 %niter.ncmp.3, label %br_if_else.unr-lcssa, label %loop

br_if_else.unr-lcssa:                             ; preds = %loop
  %lcmp.mod.not = icmp eq i64 %xtraiter, 0
  br i1 %lcmp.mod.not, label %br_if_else, label %loop.epil.preheader

loop.epil.preheader:                              ; preds = %br_if_else.unr-lcssa, %entry
  %indvars.iv.epil.init = phi i64 [ 0, %entry ], [ %indvars.iv.next.3, %br_if_else.unr-lcssa ]
  %lcmp.mod5 = icmp ne i64 %xtraiter, 0
  tail call void @llvm.assume(i1 %lcmp.mod5)
  br label %loop.epil

loop.epil:                                        ; preds = %loop.epil, %loop.epil.preheader
  %indvars.iv.epil = phi i64 [ %indvars.iv.next.epil, %loop.epil ], [ %indvars.iv.epil.init, %loop.epil.preheader ]
  %epil.iter = phi i64 [ %epil.iter.next, %loop.epil ], [ 0, %loop.epil.preheader ]
  %20 = shl i64 %indvars.iv.epil, 2
  %21 = and i64 %20, 4294967292
  %22 = getelementptr i8, ptr %5, i64 %21
  store volatile i32 %6, ptr %22, align 1, !tbaa !4
  %indvars.iv.next.epil = add nuw nsw i64 %indvars.iv.epil, 1
  %epil.iter.next = add i64 %epil.iter, 1
  %epil.iter.cmp.not = icmp eq i64 %epil.iter.next, %xtraiter
  br i1 %epil.iter.cmp.not, label %br_if_else, label %loop.epil, !llvm.loop !6

br_if_else:                                       ; preds = %loop.epil, %br_if_else.unr-lcssa
  ret void
}

; Function Attrs: nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none)
declare i32 @llvm.umax.i32(i32, i32) #1

; Function Attrs: nocallback nofree nosync nounwind willreturn memory(inaccessiblemem: write)
declare void @llvm.assume(i1 noundef) #2

attributes #0 = { nofree norecurse nounwind memory(readwrite, target_mem0: none, target_mem1: none) uwtable "frame-pointer"="none" "probe-stack"="inline-asm" "tune-cpu"="generic" }
attributes #1 = { nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none) }
attributes #2 = { nocallback nofree nosync nounwind willreturn memory(inaccessiblemem: write) }

!0 = !{!1, !1, i64 0}
!1 = !{!"kiln runtime data", !2, i64 0}
!2 = !{!"kiln"}
!3 = !{}
!4 = !{!5, !5, i64 0}
!5 = !{!"wasm linear memory", !2, i64 0}
!6 = distinct !{!6, !7}
!7 = !{!"llvm.loop.unroll.disable"}
