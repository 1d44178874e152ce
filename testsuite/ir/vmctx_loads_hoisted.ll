; ModuleID = 'kiln_unit0'
source_filename = "kiln_unit0"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-unknown-linux-gnu"

; Function Attrs: nofree norecurse nosync nounwind memory(readwrite, inaccessiblemem: none, target_mem0: none, target_mem1: none) uwtable
define hidden void @kiln_f0(ptr readonly captures(none) %0, i32 %1) local_unnamed_addr #0 section "kiln_wasm_code" {
entry:
  %2 = getelementptr inbounds nuw i8, ptr %0, i64 56
  %3 = load ptr, ptr %2, align 8, !tbaa !0, !invariant.load !3
  %4 = getelementptr inbounds nuw i8, ptr %0, i64 24
  %5 = load ptr, ptr %4, align 8, !tbaa !0, !invariant.load !3
  %6 = load i32, ptr %3, align 4, !tbaa !0
  %umax = tail call i32 @llvm.umax.i32(i32 %1, i32 1)
  %wide.trip.count = zext i32 %umax to i64
  %min.iters.check = icmp ult i32 %1, 8
  %7 = add i32 %umax, -1073741825
  %8 = icmp ult i32 %7, -1073741824
  %or.cond = or i1 %min.iters.check, %8
  br i1 %or.cond, label %loop.preheader, label %vector.ph

vector.ph:                                        ; preds = %entry
  %n.vec = and i64 %wide.trip.count, 2147483640
  %broadcast.splatinsert = insertelement <4 x i32> poison, i32 %6, i64 0
  %broadcast.splat = shufflevector <4 x i32> %broadcast.splatinsert, <4 x i32> poison, <4 x i32> zeroinitializer
  br label %vector.body

vector.body:                                      ; preds = %vector.body, %vector.ph
  %index = phi i64 [ 0, %vector.ph ], [ %index.next, %vector.body ]
  %9 = shl i64 %index, 2
  %10 = and i64 %9, 4294967264
  %11 = getelementptr i8, ptr %5, i64 %10
  %12 = getelementptr i8, ptr %11, i64 16
  store <4 x i32> %broadcast.splat, ptr %11, align 1, !tbaa !4
  store <4 x i32> %broadcast.splat, ptr %12, align 1, !tbaa !4
  %index.next = add nuw i64 %index, 8
  %13 = icmp eq i64 %index.next, %n.vec
  br i1 %13, label %middle.block, label %vector.body, !llvm.loop !6

middle.block:                                     ; preds = %vector.body
  %cmp.n = icmp eq i64 %n.vec, %wide.trip.count
  br i1 %cmp.n, label %br_if_else, label %loop.preheader

loop.preheader:                                   ; preds = %entry, %middle.block
  %indvars.iv.ph = phi i64 [ 0, %entry ], [ %n.vec, %middle.block ]
  %xtraiter = and i64 %wide.trip.count, 3
  %lcmp.mod.not = icmp eq i64 %xtraiter, 0
  br i1 %lcmp.mod.not, label %loop.prol.loopexit, label %loop.prol

loop.prol:                                        ; preds = %loop.preheader, %loop.prol
  %indvars.iv.prol = phi i64 [ %indvars.iv.next.prol, %loop.prol ], [ %indvars.iv.ph, %loop.preheader ]
  %prol.iter = phi i64 [ %prol.iter.next, %loop.prol ], [ 0, %loop.preheader ]
  %14 = shl i64 %indvars.iv.prol, 2
  %15 = and i64 %14, 4294967292
  %16 = getelementptr i8, ptr %5, i64 %15
  store i32 %6, ptr %16, align 1, !tbaa !4
  %indvars.iv.next.prol = add nuw nsw i64 %indvars.iv.prol, 1
  %prol.iter.next = add i64 %prol.iter, 1
  %prol.iter.cmp.not = icmp eq i64 %prol.iter.next, %xtraiter
  br i1 %prol.iter.cmp.not, label %loop.prol.loopexit, label %loop.prol, !llvm.loop !9

loop.prol.loopexit:                               ; preds = %loop.prol, %loop.preheader
  %indvars.iv.unr = phi i64 [ %indvars.iv.ph, %loop.preheader ], [ %indvars.iv.next.prol, %loop.prol ]
  %17 = sub nsw i64 %indvars.iv.ph, %wide.trip.count
  %18 = icmp ugt i64 %17, -4
  br i1 %18, label %br_if_else, label %loop

loop:                                             ; preds = %loop.prol.loopexit, %loop
  %indvars.iv = phi i64 [ %indvars.iv.next.3, %loop ], [ %indvars.iv.unr, %loop.prol.loopexit ]
  %19 = shl i64 %indvars.iv, 2
  %20 = and i64 %19, 4294967292
  %21 = getelementptr i8, ptr %5, i64 %20
  store i32 %6, ptr %21, align 1, !tbaa !4
  %indvars.iv.next = shl i64 %indvars.iv, 2
  %22 = add i64 %indvars.iv.next, 4
  %23 = and i64 %22, 4294967292
  %24 = getelementptr i8, ptr %5, i64 %23
  store i32 %6, ptr %24, align 1, !tbaa !4
  %indvars.iv.next.1 = shl i64 %indvars.iv, 2
  %25 = add i64 %indvars.iv.next.1, 8
  %26 = and i64 %25, 4294967292
  %27 = getelementptr i8, ptr %5, i64 %26
  store i32 %6, ptr %27, align 1, !tbaa !4
  %indvars.iv.next.2 = shl i64 %indvars.iv, 2
  %28 = add i64 %indvars.iv.next.2, 12
  %29 = and i64 %28, 4294967292
  %30 = getelementptr i8, ptr %5, i64 %29
  store i32 %6, ptr %30, align 1, !tbaa !4
  %indvars.iv.next.3 = add nuw nsw i64 %indvars.iv, 4
  %exitcond.not.3 = icmp eq i64 %indvars.iv.next.3, %wide.trip.count
  br i1 %exitcond.not.3, label %br_if_else, label %loop, !llvm.loop !11

br_if_else:                                       ; preds = %loop.prol.loopexit, %loop, %middle.block
  ret void
}

; Function Attrs: nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none)
declare i32 @llvm.umax.i32(i32, i32) #1

attributes #0 = { nofree norecurse nosync nounwind memory(readwrite, inaccessiblemem: none, target_mem0: none, target_mem1: none) uwtable "frame-pointer"="none" "probe-stack"="inline-asm" "tune-cpu"="generic" }
attributes #1 = { nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none) }

!0 = !{!1, !1, i64 0}
!1 = !{!"kiln runtime data", !2, i64 0}
!2 = !{!"kiln"}
!3 = !{}
!4 = !{!5, !5, i64 0}
!5 = !{!"wasm linear memory", !2, i64 0}
!6 = distinct !{!6, !7, !8}
!7 = !{!"llvm.loop.isvectorized", i32 1}
!8 = !{!"llvm.loop.unroll.runtime.disable"}
!9 = distinct !{!9, !10}
!10 = !{!"llvm.loop.unroll.disable"}
!11 = distinct !{!11, !7}
