; ModuleID = 'kiln_unit0'
source_filename = "kiln_unit0"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-unknown-linux-gnu"

; Function Attrs: mustprogress nofree norecurse nounwind willreturn memory(readwrite, target_mem0: none, target_mem1: none) uwtable
define hidden void @kiln_f0(ptr readonly captures(none) %0, i32 %1) local_unnamed_addr #0 section "kiln_wasm_code" {
entry:
  %2 = getelementptr inbounds nuw i8, ptr %0, i64 24
  %3 = load ptr, ptr %2, align 8, !tbaa !0, !invariant.load !3
  %4 = zext i32 %1 to i64
  %5 = getelementptr i8, ptr %3, i64 %4
  %6 = load volatile i64, ptr %5, align 1, !tbaa !4
  ret void
}

; Function Attrs: mustprogress nofree norecurse nounwind willreturn memory(readwrite, target_mem0: none, target_mem1: none) uwtable
define hidden i32 @kiln_f1(ptr readonly captures(none) %0, i32 %1) local_unnamed_addr #0 section "kiln_wasm_code" {
entry:
  %2 = getelementptr inbounds nuw i8, ptr %0, i64 24
  %3 = load ptr, ptr %2, align 8, !tbaa !0, !invariant.load !3
  %4 = zext i32 %1 to i64
  %5 = getelementptr i8, ptr %3, i64 %4
  %6 = getelementptr i8, ptr %5, i64 4
  %7 = load volatile i32, ptr %6, align 1, !tbaa !4
  %8 = load i32, ptr %5, align 1, !tbaa !4
  %9 = add i32 %8, %7
  ret i32 %9
}

; Function Attrs: mustprogress nofree norecurse nosync nounwind willreturn memory(read, inaccessiblemem: none, target_mem0: none, target_mem1: none) uwtable
define hidden i32 @kiln_f2(ptr readonly captures(none) %0) local_unnamed_addr #1 section "kiln_wasm_code" {
entry:
  %1 = getelementptr inbounds nuw i8, ptr %0, i64 24
  %2 = load ptr, ptr %1, align 8, !tbaa !0, !invariant.load !3
  %3 = getelementptr i8, ptr %2, i64 1024
  %4 = load i32, ptr %3, align 1, !tbaa !4
  ret i32 %4
}

; Function Attrs: nofree norecurse nounwind memory(readwrite, target_mem0: none, target_mem1: none) uwtable
define hidden void @kiln_f3(ptr readonly captures(none) %0, i32 %1, i32 %2) local_unnamed_addr #2 section "kiln_wasm_code" {
entry:
  %3 = getelementptr inbounds nuw i8, ptr %0, i64 24
  %4 = load ptr, ptr %3, align 8, !tbaa !0, !invariant.load !3
  %5 = zext i32 %1 to i64
  %6 = getelementptr i8, ptr %4, i64 %5
  store volatile i32 %2, ptr %6, align 1, !tbaa !4
  ret void
}

attributes #0 = { mustprogress nofree norecurse nounwind willreturn memory(readwrite, target_mem0: none, target_mem1: none) uwtable "frame-pointer"="none" "probe-stack"="inline-asm" "tune-cpu"="generic" }
attributes #1 = { mustprogress nofree norecurse nosync nounwind willreturn memory(read, inaccessiblemem: none, target_mem0: none, target_mem1: none) uwtable "frame-pointer"="none" "probe-stack"="inline-asm" "tune-cpu"="generic" }
attributes #2 = { nofree norecurse nounwind memory(readwrite, target_mem0: none, target_mem1: none) uwtable "frame-pointer"="none" "probe-stack"="inline-asm" "tune-cpu"="generic" }

!0 = !{!1, !1, i64 0}
!1 = !{!"kiln runtime data", !2, i64 0}
!2 = !{!"kiln"}
!3 = !{}
!4 = !{!5, !5, i64 0}
!5 = !{!"wasm linear memory", !2, i64 0}
