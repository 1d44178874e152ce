; ModuleID = 'kiln_unit0'
source_filename = "kiln_unit0"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-unknown-linux-gnu"

; Function Attrs: nofree norecurse nosync nounwind memory(read, inaccessiblemem: none, target_mem0: none, target_mem1: none) uwtable
define hidden i32 @kiln_f0(ptr readonly captures(none) %0, i32 %1, i32 %2) local_unnamed_addr #0 section "kiln_wasm_code" {
entry:
  %3 = getelementptr inbounds nuw i8, ptr %0, i64 24
  %4 = load ptr, ptr %3, align 8, !tbaa !0, !invariant.load !3
  %5 = icmp eq i32 %2, 0
  br i1 %5, label %block_end, label %br_if_else.preheader

br_if_else.preheader:                             ; preds = %entry
  %6 = zext i32 %1 to i64
  %7 = zext i32 %2 to i64
  %min.iters.check = icmp ult i32 %2, 8
  br i1 %min.iters.check, label %br_if_else.preheader15, label %vector.ph

vector.ph:                                        ; preds = %br_if_else.preheader
  %n.vec = and i64 %7, 4294967288
  %8 = shl nuw nsw i64 %n.vec, 2
  %9 = add nuw nsw i64 %8, %6
  %.cast = trunc nuw i64 %n.vec to i32
  %10 = sub i32 %2, %.cast
  %invariant.gep = getelementptr i8, ptr %4, i64 %6
  br label %vector.body

vector.body:                                      ; preds = %vector.body, %vector.ph
  %index = phi i64 [ 0, %vector.ph ], [ %index.next, %vector.body ]
  %vec.phi = phi <4 x i32> [ zeroinitializer, %vector.ph ], [ %13, %vector.body ]
  %vec.phi12 = phi <4 x i32> [ zeroinitializer, %vector.ph ], [ %14, %vector.body ]
  %11 = shl i64 %index, 2
  %gep = getelementptr i8, ptr %invariant.gep, i64 %11
  %12 = getelementptr i8, ptr %gep, i64 16
  %wide.load = load <4 x i32>, ptr %gep, align 1, !tbaa !4
  %wide.load13 = load <4 x i32>, ptr %12, align 1, !tbaa !4
  %13 = add <4 x i32> %wide.load, %vec.phi
  %14 = add <4 x i32> %wide.load13, %vec.phi12
  %index.next = add nuw i64 %index, 8
  %15 = icmp eq i64 %index.next, %n.vec
  br i1 %15, label %middle.block, label %vector.body, !llvm.loop !6

middle.block:                                     ; preds = %vector.body
  %bin.rdx = add <4 x i32> %14, %13
  %16 = tail call i32 @llvm.vector.reduce.add.v4i32(<4 x i32> %bin.rdx)
  %cmp.n = icmp eq i64 %n.vec, %7
  br i1 %cmp.n, label %block_end, label %br_if_else.preheader15

br_if_else.preheader15:                           ; preds = %br_if_else.preheader, %middle.block
  %indvars.iv.ph = phi i64 [ %6, %br_if_else.preheader ], [ %9, %middle.block ]
  %.010.ph = phi i32 [ 0, %br_if_else.preheader ], [ %16, %middle.block ]
  %.069.ph = phi i32 [ %2, %br_if_else.preheader ], [ %10, %middle.block ]
  br label %br_if_else

block_end:                                        ; preds = %br_if_else, %middle.block, %entry
  %.0.lcssa = phi i32 [ 0, %entry ], [ %16, %middle.block ], [ %19, %br_if_else ]
  ret i32 %.0.lcssa

br_if_else:                                       ; preds = %br_if_else.preheader15, %br_if_else
  %indvars.iv = phi i64 [ %indvars.iv.next, %br_if_else ], [ %indvars.iv.ph, %br_if_else.preheader15 ]
  %.010 = phi i32 [ %19, %br_if_else ], [ %.010.ph, %br_if_else.preheader15 ]
  %.069 = phi i32 [ %20, %br_if_else ], [ %.069.ph, %br_if_else.preheader15 ]
  %17 = getelementptr i8, ptr %4, i64 %indvars.iv
  %18 = load i32, ptr %17, align 1, !tbaa !4
  %19 = add i32 %18, %.010
  %indvars.iv.next = add nuw nsw i64 %indvars.iv, 4
  %20 = add i32 %.069, -1
  %21 = icmp eq i32 %20, 0
  br i1 %21, label %block_end, label %br_if_else, !llvm.loop !9
}

; Function Attrs: nocallback nofree nosync nounwind speculatable willreturn memory(none)
declare i32 @llvm.vector.reduce.add.v4i32(<4 x i32>) #1

attributes #0 = { nofree norecurse nosync nounwind memory(read, inaccessiblemem: none, target_mem0: none, target_mem1: none) uwtable "frame-pointer"="none" "probe-stack"="inline-asm" "tune-cpu"="generic" }
attributes #1 = { nocallback nofree nosync nounwind speculatable willreturn memory(none) }

!0 = !{!1, !1, i64 0}
!1 = !{!"kiln runtime data", !2, i64 0}
!2 = !{!"kiln"}
!3 = !{}
!4 = !{!5, !5, i64 0}
!5 = !{!"wasm linear memory", !2, i64 0}
!6 = distinct !{!6, !7, !8}
!7 = !{!"llvm.loop.isvectorized", i32 1}
!8 = !{!"llvm.loop.unroll.runtime.disable"}
!9 = distinct !{!9, !8, !7}
