; ModuleID = 'kiln_unit0'
source_filename = "kiln_unit0"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-unknown-linux-gnu"

; Function Attrs: mustprogress nofree norecurse nosync nounwind willreturn memory(none) uwtable
define hidden i32 @kiln_f0(ptr readnone captures(none) %0, i32 %1) local_unnamed_addr #0 section "kiln_wasm_code" {
entry:
  %2 = add i32 %1, 1
  ret i32 %2
}

; Function Attrs: mustprogress nofree norecurse nosync nounwind willreturn memory(none) uwtable
define hidden range(i32 0, -1) i32 @kiln_f1(ptr readnone captures(none) %0, i32 %1) local_unnamed_addr #0 section "kiln_wasm_code" {
entry:
  %2 = shl i32 %1, 1
  ret i32 %2
}

; Function Attrs: mustprogress nofree norecurse nosync nounwind willreturn memory(none) uwtable
define hidden void @kiln_f2(ptr readnone captures(none) %0) local_unnamed_addr #0 section "kiln_wasm_code" {
entry:
  ret void
}

; Function Attrs: uwtable
define hidden i32 @kiln_f3(ptr %0, i32 %1, i32 %2) local_unnamed_addr #1 section "kiln_wasm_code" {
stack_check:
  %sp = call i64 @llvm.read_register.i64(metadata !0)
  %3 = load i64, ptr %0, align 8, !tbaa !1
  %4 = icmp ult i64 %sp, %3
  br i1 %4, label %trap_CallStackExhausted, label %entry, !prof !4

entry:                                            ; preds = %stack_check
  %5 = icmp ugt i32 %1, 3
  br i1 %5, label %trap_UndefinedElement, label %ok, !prof !5

trap_UndefinedElement:                            ; preds = %entry
  tail call void asm sideeffect "ud2\0A\09.byte 4\0A\09.long 3", ""() #3
  unreachable

ok:                                               ; preds = %entry
  %6 = shl nuw nsw i32 %1, 3
  %7 = zext nneg i32 %6 to i64
  %8 = getelementptr inbounds nuw i8, ptr @kiln_table0_jumps_t0, i64 %7
  %9 = notail call i32 %8(ptr %0, i32 %2)
  ret i32 %9

trap_CallStackExhausted:                          ; preds = %stack_check
  call void asm sideeffect "ud2\0A\09.byte 10\0A\09.long 3", ""() #4
  unreachable
}

declare hidden void @kiln_table0_jumps_t0() local_unnamed_addr

; Function Attrs: nocallback nofree nosync nounwind willreturn memory(read)
declare i64 @llvm.read_register.i64(metadata) #2

attributes #0 = { mustprogress nofree norecurse nosync nounwind willreturn memory(none) uwtable "frame-pointer"="none" "probe-stack"="inline-asm" "tune-cpu"="generic" }
attributes #1 = { uwtable "frame-pointer"="none" "probe-stack"="inline-asm" "tune-cpu"="generic" }
attributes #2 = { nocallback nofree nosync nounwind willreturn memory(read) }
attributes #3 = { cold noreturn nounwind }
attributes #4 = { cold noreturn }

!0 = !{!"rsp"}
!1 = !{!2, !2, i64 0}
!2 = !{!"kiln runtime data", !3, i64 0}
!3 = !{!"kiln"}
!4 = !{!"branch_weights", i32 1, i32 2000}
!5 = !{!"branch_weights", !"expected", i32 1, i32 2000}
