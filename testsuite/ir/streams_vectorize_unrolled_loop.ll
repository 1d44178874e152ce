; ModuleID = 'kiln_unit0'
source_filename = "kiln_unit0"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-unknown-linux-gnu"

; Function Attrs: nounwind memory(readwrite, inaccessiblemem: none, target_mem0: none, target_mem1: none) uwtable
define hidden void @kiln_f0(ptr readonly captures(none) %0, i32 %1, i32 %2, double %3) local_unnamed_addr #0 section "kiln_wasm_code" {
entry:
  %4 = getelementptr inbounds nuw i8, ptr %0, i64 24
  %5 = load ptr, ptr %4, align 8, !tbaa !0, !invariant.load !3
  %stream_base = tail call ptr asm "", "=r,0,i,i"(ptr %5, i32 0, i32 0) #1
  %stream_base1 = tail call ptr asm "", "=r,0,i,i"(ptr %5, i32 0, i32 1) #1
  %6 = icmp ugt i32 %1, -2545
  %7 = zext i32 %1 to i64
  %scevgep = getelementptr i8, ptr %stream_base, i64 %7
  %8 = getelementptr i8, ptr %scevgep, i64 2544
  %9 = icmp ult ptr %8, %scevgep
  %10 = getelementptr i8, ptr %stream_base, i64 %7
  %scevgep19 = getelementptr i8, ptr %10, i64 8
  %11 = getelementptr i8, ptr %10, i64 2552
  %12 = icmp ult ptr %11, %scevgep19
  %13 = icmp ugt i32 %2, -2545
  %14 = zext i32 %2 to i64
  %scevgep26 = getelementptr i8, ptr %stream_base1, i64 %14
  %15 = getelementptr i8, ptr %scevgep26, i64 2544
  %16 = icmp ult ptr %15, %scevgep26
  %17 = getelementptr i8, ptr %stream_base1, i64 %14
  %scevgep30 = getelementptr i8, ptr %17, i64 8
  %18 = getelementptr i8, ptr %17, i64 2552
  %19 = icmp ult ptr %18, %scevgep30
  %20 = or i1 %6, %9
  %21 = or i1 %20, %12
  %22 = or i1 %21, %13
  %23 = or i1 %22, %16
  %24 = or i1 %23, %19
  br i1 %24, label %loop.preheader, label %vector.memcheck

loop.preheader:                                   ; preds = %vector.memcheck, %entry
  br label %loop

vector.memcheck:                                  ; preds = %entry
  %25 = zext i32 %1 to i64
  %scevgep34 = getelementptr i8, ptr %stream_base, i64 %25
  %26 = getelementptr i8, ptr %stream_base, i64 %25
  %scevgep35 = getelementptr i8, ptr %26, i64 2560
  %27 = zext i32 %2 to i64
  %scevgep36 = getelementptr i8, ptr %stream_base1, i64 %27
  %28 = getelementptr i8, ptr %stream_base1, i64 %27
  %scevgep37 = getelementptr i8, ptr %28, i64 2560
  %bound0 = icmp ult ptr %scevgep34, %scevgep37
  %bound1 = icmp ult ptr %scevgep36, %scevgep35
  %found.conflict = and i1 %bound0, %bound1
  br i1 %found.conflict, label %loop.preheader, label %vector.ph

vector.ph:                                        ; preds = %vector.memcheck
  %broadcast.splatinsert = insertelement <2 x double> poison, double %3, i64 0
  %29 = shufflevector <2 x double> %broadcast.splatinsert, <2 x double> poison, <4 x i32> zeroinitializer
  %30 = shufflevector <2 x double> %broadcast.splatinsert, <2 x double> poison, <4 x i32> zeroinitializer
  br label %vector.body

vector.body:                                      ; preds = %vector.body, %vector.ph
  %index = phi i64 [ 0, %vector.ph ], [ %index.next.1, %vector.body ]
  %index.tr = trunc i64 %index to i32
  %31 = shl i32 %index.tr, 4
  %32 = add i32 %1, %31
  %33 = add i32 %2, %31
  %34 = zext i32 %32 to i64
  %35 = getelementptr i8, ptr %stream_base, i64 %34
  %wide.vec = load <4 x double>, ptr %35, align 1, !tbaa !4, !alias.scope !6, !noalias !9
  %36 = zext i32 %33 to i64
  %37 = getelementptr i8, ptr %stream_base1, i64 %36
  %wide.vec39 = load <4 x double>, ptr %37, align 1, !tbaa !4, !alias.scope !9
  %38 = fmul <4 x double> %29, %wide.vec39
  %interleaved.vec = fadd <4 x double> %wide.vec, %38
  store <4 x double> %interleaved.vec, ptr %35, align 1, !tbaa !4, !alias.scope !6, !noalias !9
  %39 = trunc i64 %index to i32
  %index.tr.1 = shl i32 %39, 4
  %40 = or disjoint i32 %index.tr.1, 32
  %41 = add i32 %1, %40
  %42 = add i32 %2, %40
  %43 = zext i32 %41 to i64
  %44 = getelementptr i8, ptr %stream_base, i64 %43
  %wide.vec.1 = load <4 x double>, ptr %44, align 1, !tbaa !4, !alias.scope !6, !noalias !9
  %45 = zext i32 %42 to i64
  %46 = getelementptr i8, ptr %stream_base1, i64 %45
  %wide.vec39.1 = load <4 x double>, ptr %46, align 1, !tbaa !4, !alias.scope !9
  %47 = fmul <4 x double> %30, %wide.vec39.1
  %interleaved.vec.1 = fadd <4 x double> %wide.vec.1, %47
  store <4 x double> %interleaved.vec.1, ptr %44, align 1, !tbaa !4, !alias.scope !6, !noalias !9
  %index.next.1 = add nuw nsw i64 %index, 4
  %48 = icmp eq i64 %index.next.1, 160
  br i1 %48, label %br_if_else, label %vector.body, !llvm.loop !11

loop:                                             ; preds = %loop.preheader, %loop
  %indvars.iv = phi i64 [ %indvars.iv.next, %loop ], [ 0, %loop.preheader ]
  %49 = trunc nuw nsw i64 %indvars.iv to i32
  %50 = add i32 %1, %49
  %51 = add i32 %2, %49
  %52 = zext i32 %50 to i64
  %53 = getelementptr i8, ptr %stream_base, i64 %52
  %54 = load double, ptr %53, align 1, !tbaa !4
  %55 = zext i32 %51 to i64
  %56 = getelementptr i8, ptr %stream_base1, i64 %55
  %57 = load double, ptr %56, align 1, !tbaa !4
  %58 = fmul double %3, %57
  %59 = fadd double %54, %58
  store double %59, ptr %53, align 1, !tbaa !4
  %60 = getelementptr i8, ptr %53, i64 8
  %61 = load double, ptr %60, align 1, !tbaa !4
  %62 = getelementptr i8, ptr %56, i64 8
  %63 = load double, ptr %62, align 1, !tbaa !4
  %64 = fmul double %3, %63
  %65 = fadd double %61, %64
  store double %65, ptr %60, align 1, !tbaa !4
  %indvars.iv.next = add nuw nsw i64 %indvars.iv, 16
  %.not = icmp eq i64 %indvars.iv.next, 2560
  br i1 %.not, label %br_if_else, label %loop, !llvm.loop !14

br_if_else:                                       ; preds = %vector.body, %loop
  ret void
}

attributes #0 = { nounwind memory(readwrite, inaccessiblemem: none, target_mem0: none, target_mem1: none) uwtable "frame-pointer"="none" "probe-stack"="inline-asm" "tune-cpu"="generic" }
attributes #1 = { nounwind willreturn memory(none) }

!0 = !{!1, !1, i64 0}
!1 = !{!"kiln runtime data", !2, i64 0}
!2 = !{!"kiln"}
!3 = !{}
!4 = !{!5, !5, i64 0}
!5 = !{!"wasm linear memory", !2, i64 0}
!6 = !{!7}
!7 = distinct !{!7, !8}
!8 = distinct !{!8, !"LVerDomain"}
!9 = !{!10}
!10 = distinct !{!10, !8}
!11 = distinct !{!11, !12, !13}
!12 = !{!"llvm.loop.isvectorized", i32 1}
!13 = !{!"llvm.loop.unroll.runtime.disable"}
!14 = distinct !{!14, !12}
