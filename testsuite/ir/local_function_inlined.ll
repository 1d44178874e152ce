; ModuleID = 'kiln_unit0'
source_filename = "kiln_unit0"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-unknown-linux-gnu"

define hidden i32 @kiln_f1(ptr %0, i32 %1) local_unnamed_addr #0 section "kiln_wasm_code" {
entry:
  %sp = tail call ptr @llvm.frameaddress.p0(i32 0)
  %2 = ptrtoint ptr %sp to i64
  %3 = load i64, ptr %0, align 8
  %4 = icmp ugt i64 %3, %2
  br i1 %4, label %trap_CallStackExhausted, label %ok, !prof !0

trap_CallStackExhausted:                          ; preds = %entry
  %5 = getelementptr inbounds nuw i8, ptr %0, i64 8
  %6 = load ptr, ptr %5, align 8, !invariant.load !1
  %7 = load ptr, ptr %6, align 8, !invariant.load !1
  tail call void %7(ptr nonnull %0, i32 10, i32 1, ptr %sp) #2
  unreachable

ok:                                               ; preds = %entry
  %8 = xor i32 %1, 1
  %9 = mul i32 %8, 5
  %10 = xor i32 %1, 8
  %11 = add i32 %9, %10
  %12 = mul i32 %11, 7
  %13 = xor i32 %1, 15
  %14 = add i32 %12, %13
  %15 = mul i32 %14, 9
  %16 = xor i32 %1, 22
  %17 = add i32 %15, %16
  %18 = mul i32 %17, 11
  %19 = xor i32 %1, 29
  %20 = add i32 %18, %19
  %21 = mul i32 %20, 13
  %22 = xor i32 %1, 36
  %23 = add i32 %21, %22
  %24 = mul i32 %23, 15
  %25 = xor i32 %1, 43
  %26 = add i32 %24, %25
  %27 = mul i32 %26, 17
  %28 = xor i32 %1, 50
  %29 = add i32 %27, %28
  %30 = mul i32 %29, 19
  %31 = xor i32 %1, 57
  %32 = add i32 %30, %31
  %33 = mul i32 %32, 21
  %34 = xor i32 %1, 64
  %35 = add i32 %33, %34
  %36 = mul i32 %35, 23
  %37 = xor i32 %1, 71
  %38 = add i32 %36, %37
  %39 = mul i32 %38, 25
  %40 = xor i32 %1, 78
  %41 = add i32 %39, %40
  %42 = mul i32 %41, 27
  %43 = xor i32 %1, 85
  %44 = add i32 %42, %43
  %45 = mul i32 %44, 29
  %46 = xor i32 %1, 92
  %47 = add i32 %45, %46
  %48 = mul i32 %47, 31
  %49 = xor i32 %1, 99
  %50 = add i32 %48, %49
  %51 = mul i32 %50, 33
  %52 = xor i32 %1, 106
  %53 = add i32 %51, %52
  %54 = mul i32 %53, 35
  %55 = xor i32 %1, 113
  %56 = add i32 %54, %55
  %57 = mul i32 %56, 37
  %58 = xor i32 %1, 120
  %59 = add i32 %57, %58
  %60 = mul i32 %59, 39
  %61 = xor i32 %1, 127
  %62 = add i32 %60, %61
  %63 = mul i32 %62, 41
  %64 = xor i32 %1, 134
  %65 = add i32 %63, %64
  %66 = mul i32 %65, 43
  %67 = xor i32 %1, 141
  %68 = add i32 %66, %67
  %69 = mul i32 %68, 45
  %70 = xor i32 %1, 148
  %71 = add i32 %69, %70
  %72 = mul i32 %71, 47
  %73 = xor i32 %1, 155
  %74 = add i32 %72, %73
  %75 = mul i32 %74, 49
  %76 = xor i32 %1, 162
  %77 = add i32 %75, %76
  %78 = mul i32 %77, 51
  %79 = xor i32 %1, 169
  %80 = add i32 %78, %79
  %81 = mul i32 %80, 53
  %82 = xor i32 %1, 176
  %83 = add i32 %81, %82
  %84 = mul i32 %83, 55
  %85 = xor i32 %1, 183
  %86 = add i32 %84, %85
  %87 = mul i32 %86, 57
  %88 = xor i32 %1, 190
  %89 = add i32 %87, %88
  %90 = mul i32 %89, 59
  %91 = xor i32 %1, 197
  %92 = add i32 %90, %91
  %93 = mul i32 %92, 61
  %94 = xor i32 %1, 204
  %95 = add i32 %93, %94
  %96 = mul i32 %95, 63
  %97 = xor i32 %1, 211
  %98 = add i32 %96, %97
  %99 = mul i32 %98, 65
  %100 = xor i32 %1, 218
  %101 = add i32 %99, %100
  %102 = mul i32 %101, 67
  %103 = xor i32 %1, 225
  %104 = add i32 %102, %103
  %105 = mul i32 %104, 69
  %106 = xor i32 %1, 232
  %107 = add i32 %105, %106
  %108 = mul i32 %107, 71
  %109 = xor i32 %1, 239
  %110 = add i32 %108, %109
  %111 = mul i32 %110, 73
  %112 = xor i32 %1, 246
  %113 = add i32 %111, %112
  %114 = mul i32 %113, 75
  %115 = xor i32 %1, 253
  %116 = add i32 %114, %115
  %117 = mul i32 %116, 77
  %118 = xor i32 %1, 260
  %119 = add i32 %117, %118
  %120 = mul i32 %119, 79
  %121 = xor i32 %1, 267
  %122 = add i32 %120, %121
  %123 = mul i32 %122, 81
  %124 = xor i32 %1, 274
  %125 = add i32 %123, %124
  ret i32 %125
}

; Function Attrs: mustprogress nocallback nofree nosync nounwind willreturn memory(none)
declare ptr @llvm.frameaddress.p0(i32 immarg) #1

attributes #0 = { "frame-pointer"="all" "tune-cpu"="generic" }
attributes #1 = { mustprogress nocallback nofree nosync nounwind willreturn memory(none) }
attributes #2 = { cold noreturn }

!0 = !{!"branch_weights", !"expected", i32 1, i32 2000}
!1 = !{}
