; ModuleID = 'kiln_unit0'
source_filename = "kiln_unit0"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-unknown-linux-gnu"

; Function Attrs: nounwind
define hidden i32 @kiln_f1(ptr %0, i32 %1) local_unnamed_addr #0 section "kiln_wasm_code" {
stack_check:
  %fp = call ptr @llvm.frameaddress.p0(i32 0)
  %2 = ptrtoint ptr %fp to i64
  %3 = load i64, ptr %0, align 8
  %4 = icmp ult i64 %2, %3
  br i1 %4, label %trap_CallStackExhausted, label %entry, !prof !0

entry:                                            ; preds = %stack_check
  %5 = add i32 %1, 111
  %6 = tail call i32 @llvm.fshl.i32(i32 %5, i32 %5, i32 4)
  %7 = add i32 %1, 148
  %8 = xor i32 %6, %7
  %9 = tail call i32 @llvm.fshl.i32(i32 %8, i32 %8, i32 5)
  %10 = add i32 %1, 185
  %11 = xor i32 %9, %10
  %12 = tail call i32 @llvm.fshl.i32(i32 %11, i32 %11, i32 6)
  %13 = add i32 %1, 222
  %14 = xor i32 %12, %13
  %15 = tail call i32 @llvm.fshl.i32(i32 %14, i32 %14, i32 7)
  %16 = add i32 %1, 259
  %17 = xor i32 %15, %16
  %18 = tail call i32 @llvm.fshl.i32(i32 %17, i32 %17, i32 8)
  %19 = add i32 %1, 296
  %20 = xor i32 %18, %19
  %21 = tail call i32 @llvm.fshl.i32(i32 %20, i32 %20, i32 9)
  %22 = add i32 %1, 333
  %23 = xor i32 %21, %22
  %24 = tail call i32 @llvm.fshl.i32(i32 %23, i32 %23, i32 10)
  %25 = add i32 %1, 370
  %26 = xor i32 %24, %25
  %27 = tail call i32 @llvm.fshl.i32(i32 %26, i32 %26, i32 11)
  %28 = add i32 %1, 407
  %29 = xor i32 %27, %28
  %30 = tail call i32 @llvm.fshl.i32(i32 %29, i32 %29, i32 12)
  %31 = add i32 %1, 444
  %32 = xor i32 %30, %31
  %33 = tail call i32 @llvm.fshl.i32(i32 %32, i32 %32, i32 13)
  %34 = add i32 %1, 481
  %35 = xor i32 %33, %34
  %36 = tail call i32 @llvm.fshl.i32(i32 %35, i32 %35, i32 14)
  %37 = add i32 %1, 518
  %38 = xor i32 %36, %37
  %39 = xor i32 %1, 1
  %40 = mul i32 %39, 5
  %41 = xor i32 %1, 8
  %42 = add i32 %40, %41
  %43 = mul i32 %42, 7
  %44 = xor i32 %1, 15
  %45 = add i32 %43, %44
  %46 = mul i32 %45, 9
  %47 = xor i32 %1, 22
  %48 = add i32 %46, %47
  %49 = mul i32 %48, 11
  %50 = xor i32 %1, 29
  %51 = add i32 %49, %50
  %52 = mul i32 %51, 13
  %53 = xor i32 %1, 36
  %54 = add i32 %52, %53
  %55 = mul i32 %54, 15
  %56 = xor i32 %1, 43
  %57 = add i32 %55, %56
  %58 = mul i32 %57, 17
  %59 = xor i32 %1, 50
  %60 = add i32 %58, %59
  %61 = mul i32 %60, 19
  %62 = xor i32 %1, 57
  %63 = add i32 %61, %62
  %64 = mul i32 %63, 21
  %65 = xor i32 %1, 64
  %66 = add i32 %64, %65
  %67 = mul i32 %66, 23
  %68 = xor i32 %1, 71
  %69 = add i32 %67, %68
  %70 = mul i32 %69, 25
  %71 = xor i32 %1, 78
  %72 = add i32 %70, %71
  %73 = mul i32 %72, 27
  %74 = xor i32 %1, 85
  %75 = add i32 %73, %74
  %76 = mul i32 %75, 29
  %77 = xor i32 %1, 92
  %78 = add i32 %76, %77
  %79 = mul i32 %78, 31
  %80 = xor i32 %1, 99
  %81 = add i32 %79, %80
  %82 = mul i32 %81, 33
  %83 = xor i32 %1, 106
  %84 = add i32 %82, %83
  %85 = mul i32 %84, 35
  %86 = xor i32 %1, 113
  %87 = add i32 %85, %86
  %88 = mul i32 %87, 37
  %89 = xor i32 %1, 120
  %90 = add i32 %88, %89
  %91 = mul i32 %90, 39
  %92 = xor i32 %1, 127
  %93 = add i32 %91, %92
  %94 = mul i32 %93, 41
  %95 = xor i32 %1, 134
  %96 = add i32 %94, %95
  %97 = mul i32 %96, 43
  %98 = xor i32 %1, 141
  %99 = add i32 %97, %98
  %100 = mul i32 %99, 45
  %101 = xor i32 %1, 148
  %102 = add i32 %100, %101
  %103 = mul i32 %102, 47
  %104 = xor i32 %1, 155
  %105 = add i32 %103, %104
  %106 = mul i32 %105, 49
  %107 = xor i32 %1, 162
  %108 = add i32 %106, %107
  %109 = mul i32 %108, 51
  %110 = xor i32 %1, 169
  %111 = add i32 %109, %110
  %112 = mul i32 %111, 53
  %113 = xor i32 %1, 176
  %114 = add i32 %112, %113
  %115 = mul i32 %114, 55
  %116 = xor i32 %1, 183
  %117 = add i32 %115, %116
  %118 = mul i32 %117, 57
  %119 = xor i32 %1, 190
  %120 = add i32 %118, %119
  %121 = mul i32 %120, 59
  %122 = xor i32 %1, 197
  %123 = add i32 %121, %122
  %124 = mul i32 %123, 61
  %125 = xor i32 %1, 204
  %126 = add i32 %124, %125
  %127 = mul i32 %126, 63
  %128 = xor i32 %1, 211
  %129 = add i32 %127, %128
  %130 = mul i32 %129, 65
  %131 = xor i32 %1, 218
  %132 = add i32 %130, %131
  %133 = mul i32 %132, 67
  %134 = xor i32 %1, 225
  %135 = add i32 %133, %134
  %136 = mul i32 %135, 69
  %137 = xor i32 %1, 232
  %138 = add i32 %136, %137
  %139 = mul i32 %138, 71
  %140 = xor i32 %1, 239
  %141 = add i32 %139, %140
  %142 = mul i32 %141, 73
  %143 = xor i32 %1, 246
  %144 = add i32 %142, %143
  %145 = mul i32 %144, 75
  %146 = xor i32 %1, 253
  %147 = add i32 %145, %146
  %148 = mul i32 %147, 77
  %149 = xor i32 %1, 260
  %150 = add i32 %148, %149
  %151 = mul i32 %150, 79
  %152 = xor i32 %1, 267
  %153 = add i32 %151, %152
  %154 = mul i32 %153, 81
  %155 = xor i32 %1, 274
  %156 = add i32 %38, %155
  %157 = add i32 %156, %154
  ret i32 %157

trap_CallStackExhausted:                          ; preds = %stack_check
  %158 = getelementptr inbounds i8, ptr %0, i64 8
  %159 = load ptr, ptr %158, align 8, !invariant.load !1
  %160 = load ptr, ptr %159, align 8, !invariant.load !1
  %fp26 = call ptr @llvm.frameaddress.p0(i32 0)
  call void %160(ptr %0, i32 10, i32 1, ptr %fp26) #3
  unreachable
}

; Function Attrs: mustprogress nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none)
declare i32 @llvm.fshl.i32(i32, i32, i32) #1

; Function Attrs: nocallback nofree nosync nounwind willreturn memory(none)
declare ptr @llvm.frameaddress.p0(i32 immarg) #2

attributes #0 = { nounwind "frame-pointer"="all" "tune-cpu"="generic" }
attributes #1 = { mustprogress nocallback nocreateundeforpoison nofree nosync nounwind speculatable willreturn memory(none) }
attributes #2 = { nocallback nofree nosync nounwind willreturn memory(none) }
attributes #3 = { cold noreturn }

!0 = !{!"branch_weights", i32 1, i32 2000}
!1 = !{}
