; ModuleID = 'kiln_unit0'
source_filename = "kiln_unit0"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-unknown-linux-gnu"

@kiln_table0_calls_t0 = external hidden local_unnamed_addr constant [4 x ptr]

; Function Attrs: mustprogress nofree norecurse nosync nounwind willreturn memory(none)
define hidden i32 @kiln_f0(ptr readnone captures(none) %0, i32 %1) local_unnamed_addr #0 section "kiln_wasm_code" {
entry:
  %2 = add i32 %1, 1
  ret i32 %2
}

; Function Attrs: mustprogress nofree norecurse nosync nounwind willreturn memory(none)
define hidden range(i32 0, -1) i32 @kiln_f1(ptr readnone captures(none) %0, i32 %1) local_unnamed_addr #0 section "kiln_wasm_code" {
entry:
  %2 = shl i32 %1, 1
  ret i32 %2
}

; Function Attrs: mustprogress nofree norecurse nosync nounwind willreturn memory(none)
define hidden void @kiln_f2(ptr readnone captures(none) %0) local_unnamed_addr #0 section "kiln_wasm_code" {
entry:
  ret void
}

define hidden i32 @kiln_f3(ptr %0, i32 %1, i32 %2) local_unnamed_addr #1 section "kiln_wasm_code" {
stack_check:
  %fp = call ptr @llvm.frameaddress.p0(i32 0)
  %3 = ptrtoint ptr %fp to i64
  %4 = load i64, ptr %0, align 8, !tbaa !0
  %5 = icmp ult i64 %3, %4
  br i1 %5, label %trap_CallStackExhausted, label %entry, !prof !3

entry:                                            ; preds = %stack_check
  %6 = icmp ugt i32 %1, 3
  br i1 %6, label %trap_UndefinedElement, label %ok, !prof !4

trap_UndefinedElement:                            ; preds = %entry
  tail call void asm sideeffect "ud2\0A\09.byte 4\0A\09.long 3", ""() #3
  unreachable

ok:                                               ; preds = %entry
  %7 = zext nneg i32 %1 to i64
  %8 = getelementptr inbounds nuw ptr, ptr @kiln_table0_calls_t0, i64 %7
  %9 = load ptr, ptr %8, align 8, !tbaa !0
  %10 = notail call i32 %9(ptr %0, i32 %2)
  ret i32 %10

trap_CallStackExhausted:                          ; preds = %stack_check
  call void asm sideeffect "ud2\0A\09.byte 10\0A\09.long 3", ""() #4
  unreachable
}

; Function Attrs: nocallback nofree nosync nounwind willreturn memory(none)
declare ptr @llvm.frameaddress.p0(i32 immarg) #2

attributes #0 = { mustprogress nofree norecurse nosync nounwind willreturn memory(none) "frame-pointer"="all" "probe-stack"="inline-asm" "tune-cpu"="generic" }
attributes #1 = { "frame-pointer"="all" "probe-stack"="inline-asm" "tune-cpu"="generic" }
attributes #2 = { nocallback nofree nosync nounwind willreturn memory(none) }
attributes #3 = { cold noreturn nounwind }
attributes #4 = { cold noreturn }

!0 = !{!1, !1, i64 0}
!1 = !{!"kiln runtime data", !2, i64 0}
!2 = !{!"kiln"}
!3 = !{!"branch_weights", i32 1, i32 2000}
!4 = !{!"branch_weights", !"expected", i32 1, i32 2000}
