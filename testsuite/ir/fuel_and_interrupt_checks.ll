; ModuleID = 'kiln_unit0'
source_filename = "kiln_unit0"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-unknown-linux-gnu"

; Function Attrs: nounwind uwtable
define hidden noundef i32 @kiln_f0(ptr readonly captures(none) %0, i32 %1) local_unnamed_addr #0 section "kiln_wasm_code" {
entry:
  %2 = getelementptr inbounds nuw i8, ptr %0, i64 40
  %3 = load ptr, ptr %2, align 8, !tbaa !0, !invariant.load !3
  %4 = getelementptr inbounds nuw i8, ptr %0, i64 48
  %5 = load ptr, ptr %4, align 8, !tbaa !0, !invariant.load !3
  %fuel = load i64, ptr %3, align 8, !tbaa !0
  %6 = add i64 %fuel, -1
  store i64 %6, ptr %3, align 8, !tbaa !0
  %7 = icmp slt i64 %6, 0
  br i1 %7, label %trap_OutOfFuel, label %ok, !prof !4

trap_OutOfFuel:                                   ; preds = %loop, %entry
  tail call void asm sideeffect "ud2\0A\09.byte 13\0A\09.long 0", ""() #2
  unreachable

ok:                                               ; preds = %entry
  %interrupt = load volatile i64, ptr %5, align 8
  %.not = icmp eq i64 %interrupt, 0
  br i1 %.not, label %not_interrupted, label %interrupted, !prof !5

interrupted:                                      ; preds = %ok
  %sp = tail call i64 @llvm.read_register.i64(metadata !6)
  %8 = load i64, ptr %0, align 8, !tbaa !0
  %9 = icmp ult i64 %sp, %8
  br i1 %9, label %trap_CallStackExhausted, label %ok1, !prof !4

not_interrupted:                                  ; preds = %ok1, %ok
  %10 = getelementptr inbounds nuw i8, ptr %0, i64 8
  br label %loop

trap_CallStackExhausted:                          ; preds = %interrupted6, %interrupted
  tail call void asm sideeffect "ud2\0A\09.byte 10\0A\09.long 0", ""() #2
  unreachable

ok1:                                              ; preds = %interrupted
  %11 = getelementptr inbounds nuw i8, ptr %0, i64 8
  %12 = load ptr, ptr %11, align 8, !tbaa !0, !invariant.load !3
  %13 = getelementptr inbounds nuw i8, ptr %12, i64 72
  %14 = load ptr, ptr %13, align 8, !tbaa !0, !invariant.load !3
  %15 = tail call i32 %14(ptr nonnull readonly captures(none) %0) #3
  %.not14 = icmp eq i32 %15, 0
  br i1 %.not14, label %not_interrupted, label %trap_Interrupted, !prof !5

trap_Interrupted:                                 ; preds = %ok9, %ok1
  tail call void asm sideeffect "ud2\0A\09.byte 14\0A\09.long 0", ""() #2
  unreachable

loop:                                             ; preds = %not_interrupted7, %not_interrupted
  %fuel3 = phi i64 [ %6, %not_interrupted ], [ %16, %not_interrupted7 ]
  %.0 = phi i32 [ %1, %not_interrupted ], [ %20, %not_interrupted7 ]
  %16 = add nsw i64 %fuel3, -1
  store i64 %16, ptr %3, align 8, !tbaa !0
  %17 = icmp slt i64 %fuel3, 1
  br i1 %17, label %trap_OutOfFuel, label %ok4, !prof !4

ok4:                                              ; preds = %loop
  %interrupt5 = load volatile i64, ptr %5, align 8
  %.not15 = icmp eq i64 %interrupt5, 0
  br i1 %.not15, label %not_interrupted7, label %interrupted6, !prof !5

interrupted6:                                     ; preds = %ok4
  %sp8 = tail call i64 @llvm.read_register.i64(metadata !6)
  %18 = load i64, ptr %0, align 8, !tbaa !0
  %19 = icmp ult i64 %sp8, %18
  br i1 %19, label %trap_CallStackExhausted, label %ok9, !prof !4

not_interrupted7:                                 ; preds = %ok9, %ok4
  %20 = add i32 %.0, -1
  %.not17 = icmp eq i32 %20, 0
  br i1 %.not17, label %br_if_else, label %loop

ok9:                                              ; preds = %interrupted6
  %21 = load ptr, ptr %10, align 8, !tbaa !0, !invariant.load !3
  %22 = getelementptr inbounds nuw i8, ptr %21, i64 72
  %23 = load ptr, ptr %22, align 8, !tbaa !0, !invariant.load !3
  %24 = tail call i32 %23(ptr nonnull readonly captures(none) %0) #3
  %.not16 = icmp eq i32 %24, 0
  br i1 %.not16, label %not_interrupted7, label %trap_Interrupted, !prof !5

br_if_else:                                       ; preds = %not_interrupted7
  ret i32 0
}

; Function Attrs: mustprogress nocallback nofree nosync nounwind willreturn memory(read)
declare i64 @llvm.read_register.i64(metadata) #1

attributes #0 = { nounwind uwtable "frame-pointer"="none" "probe-stack"="inline-asm" "tune-cpu"="generic" }
attributes #1 = { mustprogress nocallback nofree nosync nounwind willreturn memory(read) }
attributes #2 = { cold noreturn nounwind }
attributes #3 = { nounwind memory(argmem: read, inaccessiblemem: readwrite) "kiln-checked-call" }

!0 = !{!1, !1, i64 0}
!1 = !{!"kiln runtime data", !2, i64 0}
!2 = !{!"kiln"}
!3 = !{}
!4 = !{!"branch_weights", !"expected", i32 1, i32 2000}
!5 = !{!"branch_weights", !"expected", i32 2000, i32 1}
!6 = !{!"rsp"}
