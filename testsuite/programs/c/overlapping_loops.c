// Loops that store through one pointer and load through another, called on
// regions of one buffer at every small distance, overlapping both ways and
// not at all. kiln gives each pointer its own copy of the memory base in
// such loops (`streams`), so LLVM vectorizes them behind a run-time check
// of the two regions: the check must send every overlapping call to the
// scalar loop, or the results differ from native.
#include <stdint.h>
#include <stdio.h>

#define N 1200

__attribute__((noinline)) static void axpy(double *y, const double *x, double a, int n) {
  for (int i = 0; i < n; i++) y[i] += a * x[i];
}

__attribute__((noinline)) static void mix(int32_t *dst, const int32_t *src, int n) {
  for (int i = 0; i < n; i++) dst[i] = src[i] * 3 + dst[i];
}

__attribute__((noinline)) static void bump(uint8_t *dst, const uint8_t *src, int n) {
  for (int i = 0; i < n; i++) dst[i] = (uint8_t)(src[i] + 1);
}

// The two-way unrolled form clang emits for wasm, written out.
__attribute__((noinline)) static void pairs(double *c, const double *b, double k, int n) {
  for (int j = 0; j + 1 < n; j += 2) {
    c[j] += k * b[j];
    c[j + 1] += k * b[j + 1];
  }
}

static double dbuf[N + 64];
static int32_t ibuf[N + 64];
static uint8_t bbuf[N + 64];

static void reset(void) {
  for (int i = 0; i < N + 64; i++) {
    dbuf[i] = (double)((i * 7) % 13) - 6.0;
    ibuf[i] = (i * 2654435761u) >> 7;
    bbuf[i] = (uint8_t)(i * 31 + 7);
  }
}

static uint64_t digest(void) {
  uint64_t h = 14695981039346656037u;
  const uint8_t *parts[3] = {(const uint8_t *)dbuf, (const uint8_t *)ibuf, bbuf};
  const size_t sizes[3] = {sizeof dbuf, sizeof ibuf, sizeof bbuf};
  for (int p = 0; p < 3; p++)
    for (size_t i = 0; i < sizes[p]; i++) h = (h ^ parts[p][i]) * 1099511628211u;
  return h;
}

int main(void) {
  const int lengths[] = {0, 1, 3, 8, 17, 100, N};
  for (int d = -9; d <= 9; d++) {
    for (unsigned l = 0; l < sizeof lengths / sizeof lengths[0]; l++) {
      int n = lengths[l];
      reset();
      axpy(dbuf + 16 + d, dbuf + 16, 0.5, n);
      mix(ibuf + 16 + d, ibuf + 16, n);
      bump(bbuf + 16 + d, bbuf + 16, n);
      pairs(dbuf + 24 + d, dbuf + 24, -0.25, n);
      printf("d %3d n %4d: %016llx\n", d, n, (unsigned long long)digest());
    }
  }
  return 0;
}
