; ModuleID = 'kiln_unit0'
source_filename = "kiln_unit0"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-unknown-linux-gnu"

; Function Attrs: nofree norecurse nosync nounwind memory(read, inaccessiblemem: none, target_mem0: none, target_mem1: none)
define hidden i32 @kiln_f0(ptr readonly captures(none) %0, i32 %1, i32 %2) local_unnamed_addr #0 section "kiln_wasm_code" {
entry:
  %3 = getelementptr inbounds nuw i8, ptr %0, i64 24
  %4 = load ptr, ptr %3, align 8, !invariant.load !0
  %5 = icmp eq i32 %2, 0
  br i1 %5, label %block_end, label %br_if_else.preheader

br_if_else.preheader:                             ; preds = %entry
  %min.iters.check = icmp ult i32 %2, 20
  br i1 %min.iters.check, label %br_if_else.preheader14, label %vector.scevcheck

vector.scevcheck:                                 ; preds = %br_if_else.preheader
  %6 = add i32 %2, -1
  %mul.result = shl i32 %6, 2
  %mul.overflow = icmp ugt i32 %6, 1073741823
  %7 = xor i32 %1, -1
  %8 = icmp ugt i32 %mul.result, %7
  %9 = or i1 %8, %mul.overflow
  br i1 %9, label %br_if_else.preheader14, label %vector.ph

vector.ph:                                        ; preds = %vector.scevcheck
  %n.vec = and i32 %2, 2147483640
  %10 = and i32 %2, 7
  %11 = shl i32 %n.vec, 2
  %12 = add i32 %1, %11
  br label %vector.body

vector.body:                                      ; preds = %vector.body, %vector.ph
  %index = phi i32 [ 0, %vector.ph ], [ %index.next, %vector.body ]
  %vec.phi = phi <4 x i32> [ zeroinitializer, %vector.ph ], [ %17, %vector.body ]
  %vec.phi11 = phi <4 x i32> [ zeroinitializer, %vector.ph ], [ %18, %vector.body ]
  %13 = shl i32 %index, 2
  %offset.idx = add i32 %1, %13
  %14 = zext i32 %offset.idx to i64
  %15 = getelementptr i8, ptr %4, i64 %14
  %16 = getelementptr i8, ptr %15, i64 16
  %wide.load = load <4 x i32>, ptr %15, align 1
  %wide.load12 = load <4 x i32>, ptr %16, align 1
  %17 = add <4 x i32> %wide.load, %vec.phi
  %18 = add <4 x i32> %wide.load12, %vec.phi11
  %index.next = add nuw i32 %index, 8
  %19 = icmp eq i32 %index.next, %n.vec
  br i1 %19, label %middle.block, label %vector.body, !llvm.loop !1

middle.block:                                     ; preds = %vector.body
  %bin.rdx = add <4 x i32> %18, %17
  %20 = tail call i32 @llvm.vector.reduce.add.v4i32(<4 x i32> %bin.rdx)
  %cmp.n = icmp eq i32 %2, %n.vec
  br i1 %cmp.n, label %block_end, label %br_if_else.preheader14

br_if_else.preheader14:                           ; preds = %vector.scevcheck, %br_if_else.preheader, %middle.block
  %.010.ph = phi i32 [ 0, %vector.scevcheck ], [ 0, %br_if_else.preheader ], [ %20, %middle.block ]
  %.069.ph = phi i32 [ %2, %vector.scevcheck ], [ %2, %br_if_else.preheader ], [ %10, %middle.block ]
  %.078.ph = phi i32 [ %1, %vector.scevcheck ], [ %1, %br_if_else.preheader ], [ %12, %middle.block ]
  %21 = add i32 %.069.ph, -1
  %xtraiter = and i32 %.069.ph, 3
  %lcmp.mod.not = icmp eq i32 %xtraiter, 0
  br i1 %lcmp.mod.not, label %br_if_else.prol.loopexit, label %br_if_else.prol

br_if_else.prol:                                  ; preds = %br_if_else.preheader14, %br_if_else.prol
  %.010.prol = phi i32 [ %25, %br_if_else.prol ], [ %.010.ph, %br_if_else.preheader14 ]
  %.069.prol = phi i32 [ %27, %br_if_else.prol ], [ %.069.ph, %br_if_else.preheader14 ]
  %.078.prol = phi i32 [ %26, %br_if_else.prol ], [ %.078.ph, %br_if_else.preheader14 ]
  %prol.iter = phi i32 [ %prol.iter.next, %br_if_else.prol ], [ 0, %br_if_else.preheader14 ]
  %22 = zext i32 %.078.prol to i64
  %23 = getelementptr i8, ptr %4, i64 %22
  %24 = load i32, ptr %23, align 1
  %25 = add i32 %24, %.010.prol
  %26 = add i32 %.078.prol, 4
  %27 = add i32 %.069.prol, -1
  %prol.iter.next = add i32 %prol.iter, 1
  %prol.iter.cmp.not = icmp eq i32 %prol.iter.next, %xtraiter
  br i1 %prol.iter.cmp.not, label %br_if_else.prol.loopexit, label %br_if_else.prol, !llvm.loop !4

br_if_else.prol.loopexit:                         ; preds = %br_if_else.prol, %br_if_else.preheader14
  %.lcssa.unr = phi i32 [ poison, %br_if_else.preheader14 ], [ %25, %br_if_else.prol ]
  %.010.unr = phi i32 [ %.010.ph, %br_if_else.preheader14 ], [ %25, %br_if_else.prol ]
  %.069.unr = phi i32 [ %.069.ph, %br_if_else.preheader14 ], [ %27, %br_if_else.prol ]
  %.078.unr = phi i32 [ %.078.ph, %br_if_else.preheader14 ], [ %26, %br_if_else.prol ]
  %28 = icmp ult i32 %21, 3
  br i1 %28, label %block_end, label %br_if_else

block_end:                                        ; preds = %br_if_else.prol.loopexit, %br_if_else, %middle.block, %entry
  %.0.lcssa = phi i32 [ 0, %entry ], [ %20, %middle.block ], [ %.lcssa.unr, %br_if_else.prol.loopexit ], [ %47, %br_if_else ]
  ret i32 %.0.lcssa

br_if_else:                                       ; preds = %br_if_else.prol.loopexit, %br_if_else
  %.010 = phi i32 [ %47, %br_if_else ], [ %.010.unr, %br_if_else.prol.loopexit ]
  %.069 = phi i32 [ %49, %br_if_else ], [ %.069.unr, %br_if_else.prol.loopexit ]
  %.078 = phi i32 [ %48, %br_if_else ], [ %.078.unr, %br_if_else.prol.loopexit ]
  %29 = zext i32 %.078 to i64
  %30 = getelementptr i8, ptr %4, i64 %29
  %31 = load i32, ptr %30, align 1
  %32 = add i32 %31, %.010
  %33 = add i32 %.078, 4
  %34 = zext i32 %33 to i64
  %35 = getelementptr i8, ptr %4, i64 %34
  %36 = load i32, ptr %35, align 1
  %37 = add i32 %36, %32
  %38 = add i32 %.078, 8
  %39 = zext i32 %38 to i64
  %40 = getelementptr i8, ptr %4, i64 %39
  %41 = load i32, ptr %40, align 1
  %42 = add i32 %41, %37
  %43 = add i32 %.078, 12
  %44 = zext i32 %43 to i64
  %45 = getelementptr i8, ptr %4, i64 %44
  %46 = load i32, ptr %45, align 1
  %47 = add i32 %46, %42
  %48 = add i32 %.078, 16
  %49 = add i32 %.069, -4
  %50 = icmp eq i32 %49, 0
  br i1 %50, label %block_end, label %br_if_else, !llvm.loop !6
}

; Function Attrs: nocallback nofree nosync nounwind speculatable willreturn memory(none)
declare i32 @llvm.vector.reduce.add.v4i32(<4 x i32>) #1

attributes #0 = { nofree norecurse nosync nounwind memory(read, inaccessiblemem: none, target_mem0: none, target_mem1: none) "frame-pointer"="all" "tune-cpu"="generic" }
attributes #1 = { nocallback nofree nosync nounwind speculatable willreturn memory(none) }

!0 = !{}
!1 = distinct !{!1, !2, !3}
!2 = !{!"llvm.loop.isvectorized", i32 1}
!3 = !{!"llvm.loop.unroll.runtime.disable"}
!4 = distinct !{!4, !5}
!5 = !{!"llvm.loop.unroll.disable"}
!6 = distinct !{!6, !2}
