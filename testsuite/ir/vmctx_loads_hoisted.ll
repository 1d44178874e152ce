; ModuleID = 'kiln_unit0'
source_filename = "kiln_unit0"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-unknown-linux-gnu"

define hidden void @kiln_f0(ptr %0, i32 %1) local_unnamed_addr #0 section "kiln_wasm_code" {
entry:
  %2 = getelementptr inbounds nuw i8, ptr %0, i64 40
  %3 = load ptr, ptr %2, align 8, !invariant.load !0
  %4 = getelementptr inbounds nuw i8, ptr %0, i64 32
  %5 = load ptr, ptr %4, align 8, !invariant.load !0
  %6 = load ptr, ptr %5, align 8, !invariant.load !0
  %sp = tail call ptr @llvm.frameaddress.p0(i32 0)
  %7 = ptrtoint ptr %sp to i64
  %8 = load i64, ptr %0, align 8
  %9 = icmp ugt i64 %8, %7
  br i1 %9, label %trap_CallStackExhausted, label %loop.preheader, !prof !1

loop.preheader:                                   ; preds = %entry
  %umax = tail call i32 @llvm.umax.i32(i32 %1, i32 1)
  %wide.trip.count = zext i32 %umax to i64
  %min.iters.check = icmp ult i32 %1, 12
  %10 = add i32 %umax, -1073741825
  %11 = icmp ult i32 %10, -1073741824
  %or.cond = select i1 %min.iters.check, i1 true, i1 %11
  br i1 %or.cond, label %loop.preheader7, label %vector.memcheck

vector.memcheck:                                  ; preds = %loop.preheader
  %scevgep = getelementptr i8, ptr %3, i64 4
  %12 = shl nuw nsw i64 %wide.trip.count, 2
  %scevgep5 = getelementptr i8, ptr %6, i64 %12
  %bound0 = icmp ult ptr %3, %scevgep5
  %bound1 = icmp ult ptr %6, %scevgep
  %found.conflict = and i1 %bound0, %bound1
  br i1 %found.conflict, label %loop.preheader7, label %vector.ph

vector.ph:                                        ; preds = %vector.memcheck
  %n.vec = and i64 %wide.trip.count, 2147483640
  %13 = load i32, ptr %3, align 4, !alias.scope !2, !noalias !5
  %broadcast.splatinsert = insertelement <4 x i32> poison, i32 %13, i64 0
  %broadcast.splat = shufflevector <4 x i32> %broadcast.splatinsert, <4 x i32> poison, <4 x i32> zeroinitializer
  br label %vector.body

vector.body:                                      ; preds = %vector.body, %vector.ph
  %index = phi i64 [ 0, %vector.ph ], [ %index.next, %vector.body ]
  %14 = shl i64 %index, 2
  %15 = and i64 %14, 4294967264
  %16 = getelementptr i8, ptr %6, i64 %15
  %17 = getelementptr i8, ptr %16, i64 16
  store <4 x i32> %broadcast.splat, ptr %16, align 1, !alias.scope !5
  store <4 x i32> %broadcast.splat, ptr %17, align 1, !alias.scope !5
  %index.next = add nuw i64 %index, 8
  %18 = icmp eq i64 %index.next, %n.vec
  br i1 %18, label %middle.block, label %vector.body, !llvm.loop !7

middle.block:                                     ; preds = %vector.body
  %cmp.n = icmp eq i64 %n.vec, %wide.trip.count
  br i1 %cmp.n, label %br_if_else, label %loop.preheader7

loop.preheader7:                                  ; preds = %vector.memcheck, %loop.preheader, %middle.block
  %indvars.iv.ph = phi i64 [ 0, %vector.memcheck ], [ 0, %loop.preheader ], [ %n.vec, %middle.block ]
  %xtraiter = and i64 %wide.trip.count, 3
  %lcmp.mod.not = icmp eq i64 %xtraiter, 0
  br i1 %lcmp.mod.not, label %loop.prol.loopexit, label %loop.prol

loop.prol:                                        ; preds = %loop.preheader7, %loop.prol
  %indvars.iv.prol = phi i64 [ %indvars.iv.next.prol, %loop.prol ], [ %indvars.iv.ph, %loop.preheader7 ]
  %prol.iter = phi i64 [ %prol.iter.next, %loop.prol ], [ 0, %loop.preheader7 ]
  %19 = shl i64 %indvars.iv.prol, 2
  %20 = load i32, ptr %3, align 4
  %21 = and i64 %19, 4294967292
  %22 = getelementptr i8, ptr %6, i64 %21
  store i32 %20, ptr %22, align 1
  %indvars.iv.next.prol = add nuw nsw i64 %indvars.iv.prol, 1
  %prol.iter.next = add i64 %prol.iter, 1
  %prol.iter.cmp.not = icmp eq i64 %prol.iter.next, %xtraiter
  br i1 %prol.iter.cmp.not, label %loop.prol.loopexit, label %loop.prol, !llvm.loop !10

loop.prol.loopexit:                               ; preds = %loop.prol, %loop.preheader7
  %indvars.iv.unr = phi i64 [ %indvars.iv.ph, %loop.preheader7 ], [ %indvars.iv.next.prol, %loop.prol ]
  %23 = sub nsw i64 %indvars.iv.ph, %wide.trip.count
  %24 = icmp ugt i64 %23, -4
  br i1 %24, label %br_if_else, label %loop

trap_CallStackExhausted:                          ; preds = %entry
  %25 = getelementptr inbounds nuw i8, ptr %0, i64 8
  %26 = load ptr, ptr %25, align 8, !invariant.load !0
  %27 = load ptr, ptr %26, align 8, !invariant.load !0
  tail call void %27(ptr nonnull %0, i32 10, i32 0, ptr %sp) #3
  unreachable

loop:                                             ; preds = %loop.prol.loopexit, %loop
  %indvars.iv = phi i64 [ %indvars.iv.next.3, %loop ], [ %indvars.iv.unr, %loop.prol.loopexit ]
  %28 = shl i64 %indvars.iv, 2
  %29 = load i32, ptr %3, align 4
  %30 = and i64 %28, 4294967292
  %31 = getelementptr i8, ptr %6, i64 %30
  store i32 %29, ptr %31, align 1
  %indvars.iv.next = shl i64 %indvars.iv, 2
  %32 = add i64 %indvars.iv.next, 4
  %33 = load i32, ptr %3, align 4
  %34 = and i64 %32, 4294967292
  %35 = getelementptr i8, ptr %6, i64 %34
  store i32 %33, ptr %35, align 1
  %indvars.iv.next.1 = shl i64 %indvars.iv, 2
  %36 = add i64 %indvars.iv.next.1, 8
  %37 = load i32, ptr %3, align 4
  %38 = and i64 %36, 4294967292
  %39 = getelementptr i8, ptr %6, i64 %38
  store i32 %37, ptr %39, align 1
  %indvars.iv.next.2 = shl i64 %indvars.iv, 2
  %40 = add i64 %indvars.iv.next.2, 12
  %41 = load i32, ptr %3, align 4
  %42 = and i64 %40, 4294967292
  %43 = getelementptr i8, ptr %6, i64 %42
  store i32 %41, ptr %43, align 1
  %indvars.iv.next.3 = add nuw nsw i64 %indvars.iv, 4
  %exitcond.not.3 = icmp eq i64 %indvars.iv.next.3, %wide.trip.count
  br i1 %exitcond.not.3, label %br_if_else, label %loop, !llvm.loop !12

br_if_else:                                       ; preds = %loop.prol.loopexit, %loop, %middle.block
  ret void
}

; Function Attrs: mustprogress nocallback nofree nosync nounwind willreturn memory(none)
declare ptr @llvm.frameaddress.p0(i32 immarg) #1

; Function Attrs: nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none)
declare i32 @llvm.umax.i32(i32, i32) #2

attributes #0 = { "frame-pointer"="all" }
attributes #1 = { mustprogress nocallback nofree nosync nounwind willreturn memory(none) }
attributes #2 = { nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none) }
attributes #3 = { cold noreturn }

!0 = !{}
!1 = !{!"branch_weights", !"expected", i32 1, i32 2000}
!2 = !{!3}
!3 = distinct !{!3, !4}
!4 = distinct !{!4, !"LVerDomain"}
!5 = !{!6}
!6 = distinct !{!6, !4}
!7 = distinct !{!7, !8, !9}
!8 = !{!"llvm.loop.isvectorized", i32 1}
!9 = !{!"llvm.loop.unroll.runtime.disable"}
!10 = distinct !{!10, !11}
!11 = !{!"llvm.loop.unroll.disable"}
!12 = distinct !{!12, !8}
