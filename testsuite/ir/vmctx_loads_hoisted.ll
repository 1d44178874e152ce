; ModuleID = 'kiln_unit0'
source_filename = "kiln_unit0"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-unknown-linux-gnu"

; Function Attrs: nofree norecurse nosync nounwind memory(readwrite, inaccessiblemem: none, target_mem0: none, target_mem1: none)
define hidden void @kiln_f0(ptr readonly captures(none) %0, i32 %1) local_unnamed_addr #0 section "kiln_wasm_code" {
entry:
  %2 = getelementptr inbounds nuw i8, ptr %0, i64 56
  %3 = load ptr, ptr %2, align 8, !invariant.load !0
  %4 = getelementptr inbounds nuw i8, ptr %0, i64 24
  %5 = load ptr, ptr %4, align 8, !invariant.load !0
  %umax = tail call i32 @llvm.umax.i32(i32 %1, i32 1)
  %wide.trip.count = zext i32 %umax to i64
  %min.iters.check = icmp ult i32 %1, 12
  %6 = add i32 %umax, -1073741825
  %7 = icmp ult i32 %6, -1073741824
  %or.cond = or i1 %min.iters.check, %7
  br i1 %or.cond, label %loop.preheader, label %vector.memcheck

vector.memcheck:                                  ; preds = %entry
  %scevgep = getelementptr i8, ptr %3, i64 4
  %8 = shl nuw nsw i64 %wide.trip.count, 2
  %scevgep5 = getelementptr i8, ptr %5, i64 %8
  %bound0 = icmp ult ptr %3, %scevgep5
  %bound1 = icmp ult ptr %5, %scevgep
  %found.conflict = and i1 %bound0, %bound1
  br i1 %found.conflict, label %loop.preheader, label %vector.ph

vector.ph:                                        ; preds = %vector.memcheck
  %n.vec = and i64 %wide.trip.count, 2147483640
  %9 = load i32, ptr %3, align 4, !alias.scope !1, !noalias !4
  %broadcast.splatinsert = insertelement <4 x i32> poison, i32 %9, i64 0
  %broadcast.splat = shufflevector <4 x i32> %broadcast.splatinsert, <4 x i32> poison, <4 x i32> zeroinitializer
  br label %vector.body

vector.body:                                      ; preds = %vector.body, %vector.ph
  %index = phi i64 [ 0, %vector.ph ], [ %index.next, %vector.body ]
  %10 = shl i64 %index, 2
  %11 = and i64 %10, 4294967264
  %12 = getelementptr i8, ptr %5, i64 %11
  %13 = getelementptr i8, ptr %12, i64 16
  store <4 x i32> %broadcast.splat, ptr %12, align 1, !alias.scope !4
  store <4 x i32> %broadcast.splat, ptr %13, align 1, !alias.scope !4
  %index.next = add nuw i64 %index, 8
  %14 = icmp eq i64 %index.next, %n.vec
  br i1 %14, label %middle.block, label %vector.body, !llvm.loop !6

middle.block:                                     ; preds = %vector.body
  %cmp.n = icmp eq i64 %n.vec, %wide.trip.count
  br i1 %cmp.n, label %br_if_else, label %loop.preheader

loop.preheader:                                   ; preds = %vector.memcheck, %entry, %middle.block
  %indvars.iv.ph = phi i64 [ 0, %vector.memcheck ], [ 0, %entry ], [ %n.vec, %middle.block ]
  %xtraiter = and i64 %wide.trip.count, 3
  %lcmp.mod.not = icmp eq i64 %xtraiter, 0
  br i1 %lcmp.mod.not, label %loop.prol.loopexit, label %loop.prol

loop.prol:                                        ; preds = %loop.preheader, %loop.prol
  %indvars.iv.prol = phi i64 [ %indvars.iv.next.prol, %loop.prol ], [ %indvars.iv.ph, %loop.preheader ]
  %prol.iter = phi i64 [ %prol.iter.next, %loop.prol ], [ 0, %loop.preheader ]
  %15 = shl i64 %indvars.iv.prol, 2
  %16 = load i32, ptr %3, align 4
  %17 = and i64 %15, 4294967292
  %18 = getelementptr i8, ptr %5, i64 %17
  store i32 %16, ptr %18, align 1
  %indvars.iv.next.prol = add nuw nsw i64 %indvars.iv.prol, 1
  %prol.iter.next = add i64 %prol.iter, 1
  %prol.iter.cmp.not = icmp eq i64 %prol.iter.next, %xtraiter
  br i1 %prol.iter.cmp.not, label %loop.prol.loopexit, label %loop.prol, !llvm.loop !9

loop.prol.loopexit:                               ; preds = %loop.prol, %loop.preheader
  %indvars.iv.unr = phi i64 [ %indvars.iv.ph, %loop.preheader ], [ %indvars.iv.next.prol, %loop.prol ]
  %19 = sub nsw i64 %indvars.iv.ph, %wide.trip.count
  %20 = icmp ugt i64 %19, -4
  br i1 %20, label %br_if_else, label %loop

loop:                                             ; preds = %loop.prol.loopexit, %loop
  %indvars.iv = phi i64 [ %indvars.iv.next.3, %loop ], [ %indvars.iv.unr, %loop.prol.loopexit ]
  %21 = shl i64 %indvars.iv, 2
  %22 = load i32, ptr %3, align 4
  %23 = and i64 %21, 4294967292
  %24 = getelementptr i8, ptr %5, i64 %23
  store i32 %22, ptr %24, align 1
  %indvars.iv.next = shl i64 %indvars.iv, 2
  %25 = add i64 %indvars.iv.next, 4
  %26 = load i32, ptr %3, align 4
  %27 = and i64 %25, 4294967292
  %28 = getelementptr i8, ptr %5, i64 %27
  store i32 %26, ptr %28, align 1
  %indvars.iv.next.1 = shl i64 %indvars.iv, 2
  %29 = add i64 %indvars.iv.next.1, 8
  %30 = load i32, ptr %3, align 4
  %31 = and i64 %29, 4294967292
  %32 = getelementptr i8, ptr %5, i64 %31
  store i32 %30, ptr %32, align 1
  %indvars.iv.next.2 = shl i64 %indvars.iv, 2
  %33 = add i64 %indvars.iv.next.2, 12
  %34 = load i32, ptr %3, align 4
  %35 = and i64 %33, 4294967292
  %36 = getelementptr i8, ptr %5, i64 %35
  store i32 %34, ptr %36, align 1
  %indvars.iv.next.3 = add nuw nsw i64 %indvars.iv, 4
  %exitcond.not.3 = icmp eq i64 %indvars.iv.next.3, %wide.trip.count
  br i1 %exitcond.not.3, label %br_if_else, label %loop, !llvm.loop !11

br_if_else:                                       ; preds = %loop.prol.loopexit, %loop, %middle.block
  ret void
}

; Function Attrs: nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none)
declare i32 @llvm.umax.i32(i32, i32) #1

attributes #0 = { nofree norecurse nosync nounwind memory(readwrite, inaccessiblemem: none, target_mem0: none, target_mem1: none) "frame-pointer"="all" "probe-stack"="inline-asm" "tune-cpu"="generic" }
attributes #1 = { nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none) }

!0 = !{}
!1 = !{!2}
!2 = distinct !{!2, !3}
!3 = distinct !{!3, !"LVerDomain"}
!4 = !{!5}
!5 = distinct !{!5, !3}
!6 = distinct !{!6, !7, !8}
!7 = !{!"llvm.loop.isvectorized", i32 1}
!8 = !{!"llvm.loop.unroll.runtime.disable"}
!9 = distinct !{!9, !10}
!10 = !{!"llvm.loop.unroll.disable"}
!11 = distinct !{!11, !7}
