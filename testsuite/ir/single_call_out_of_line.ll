; ModuleID = 'kiln_unit0'
source_filename = "kiln_unit0"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-unknown-linux-gnu"

; Function Attrs: mustprogress nofree noinline norecurse nosync nounwind willreturn memory(none) uwtable
define hidden fastcc i32 @kiln_f0(i32 %0) unnamed_addr #0 section "kiln_wasm_code" {
entry:
  %1 = xor i32 %0, 1
  %2 = mul i32 %1, 5
  %3 = xor i32 %0, 8
  %4 = add i32 %2, %3
  %5 = mul i32 %4, 7
  %6 = xor i32 %0, 15
  %7 = add i32 %5, %6
  %8 = mul i32 %7, 9
  %9 = xor i32 %0, 22
  %10 = add i32 %8, %9
  %11 = mul i32 %10, 11
  %12 = xor i32 %0, 29
  %13 = add i32 %11, %12
  %14 = mul i32 %13, 13
  %15 = xor i32 %0, 36
  %16 = add i32 %14, %15
  %17 = mul i32 %16, 15
  %18 = xor i32 %0, 43
  %19 = add i32 %17, %18
  %20 = mul i32 %19, 17
  %21 = xor i32 %0, 50
  %22 = add i32 %20, %21
  %23 = mul i32 %22, 19
  %24 = xor i32 %0, 57
  %25 = add i32 %23, %24
  %26 = mul i32 %25, 21
  %27 = xor i32 %0, 64
  %28 = add i32 %26, %27
  %29 = mul i32 %28, 23
  %30 = xor i32 %0, 71
  %31 = add i32 %29, %30
  %32 = mul i32 %31, 25
  %33 = xor i32 %0, 78
  %34 = add i32 %32, %33
  %35 = mul i32 %34, 27
  %36 = xor i32 %0, 85
  %37 = add i32 %35, %36
  %38 = mul i32 %37, 29
  %39 = xor i32 %0, 92
  %40 = add i32 %38, %39
  %41 = mul i32 %40, 31
  %42 = xor i32 %0, 99
  %43 = add i32 %41, %42
  %44 = mul i32 %43, 33
  %45 = xor i32 %0, 106
  %46 = add i32 %44, %45
  %47 = mul i32 %46, 35
  %48 = xor i32 %0, 113
  %49 = add i32 %47, %48
  %50 = mul i32 %49, 37
  %51 = xor i32 %0, 120
  %52 = add i32 %50, %51
  %53 = mul i32 %52, 39
  %54 = xor i32 %0, 127
  %55 = add i32 %53, %54
  %56 = mul i32 %55, 41
  %57 = xor i32 %0, 134
  %58 = add i32 %56, %57
  %59 = mul i32 %58, 43
  %60 = xor i32 %0, 141
  %61 = add i32 %59, %60
  %62 = mul i32 %61, 45
  %63 = xor i32 %0, 148
  %64 = add i32 %62, %63
  %65 = mul i32 %64, 47
  %66 = xor i32 %0, 155
  %67 = add i32 %65, %66
  %68 = mul i32 %67, 49
  %69 = xor i32 %0, 162
  %70 = add i32 %68, %69
  %71 = mul i32 %70, 51
  %72 = xor i32 %0, 169
  %73 = add i32 %71, %72
  %74 = mul i32 %73, 53
  %75 = xor i32 %0, 176
  %76 = add i32 %74, %75
  %77 = mul i32 %76, 55
  %78 = xor i32 %0, 183
  %79 = add i32 %77, %78
  %80 = mul i32 %79, 57
  %81 = xor i32 %0, 190
  %82 = add i32 %80, %81
  %83 = mul i32 %82, 59
  %84 = xor i32 %0, 197
  %85 = add i32 %83, %84
  %86 = mul i32 %85, 61
  %87 = xor i32 %0, 204
  %88 = add i32 %86, %87
  %89 = mul i32 %88, 63
  %90 = xor i32 %0, 211
  %91 = add i32 %89, %90
  %92 = mul i32 %91, 65
  %93 = xor i32 %0, 218
  %94 = add i32 %92, %93
  %95 = mul i32 %94, 67
  %96 = xor i32 %0, 225
  %97 = add i32 %95, %96
  %98 = mul i32 %97, 69
  %99 = xor i32 %0, 232
  %100 = add i32 %98, %99
  %101 = mul i32 %100, 71
  %102 = xor i32 %0, 239
  %103 = add i32 %101, %102
  %104 = mul i32 %103, 73
  %105 = xor i32 %0, 246
  %106 = add i32 %104, %105
  %107 = mul i32 %106, 75
  %108 = xor i32 %0, 253
  %109 = add i32 %107, %108
  %110 = mul i32 %109, 77
  %111 = xor i32 %0, 260
  %112 = add i32 %110, %111
  %113 = mul i32 %112, 79
  %114 = xor i32 %0, 267
  %115 = add i32 %113, %114
  %116 = mul i32 %115, 81
  %117 = xor i32 %0, 274
  %118 = add i32 %116, %117
  ret i32 %118
}

; Function Attrs: mustprogress nofree norecurse nosync nounwind willreturn memory(none) uwtable
define hidden i32 @kiln_f2(ptr readnone captures(none) %0, i32 %1) local_unnamed_addr #1 section "kiln_wasm_code" {
entry:
  %2 = add i32 %1, 1
  %3 = notail call fastcc i32 @kiln_f0(i32 %2)
  %4 = notail call fastcc i32 @kiln_f0(i32 10)
  %5 = mul i32 %4, %3
  ret i32 %5
}

attributes #0 = { mustprogress nofree noinline norecurse nosync nounwind willreturn memory(none) uwtable "frame-pointer"="none" "probe-stack"="inline-asm" "tune-cpu"="generic" }
attributes #1 = { mustprogress nofree norecurse nosync nounwind willreturn memory(none) uwtable "frame-pointer"="none" "probe-stack"="inline-asm" "tune-cpu"="generic" }
