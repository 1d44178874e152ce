// Sorting: quicksort and merge sort of 2^22 pseudo-random integers, REPS
// times (argv[1]); prints a checksum of the sorted arrays.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void quicksort(int32_t *a, int lo, int hi) {
  while (hi - lo > 16) {
    int32_t p = a[lo + (hi - lo) / 2];
    int i = lo, j = hi - 1;
    while (i <= j) {
      while (a[i] < p) i++;
      while (a[j] > p) j--;
      if (i <= j) { int32_t t = a[i]; a[i] = a[j]; a[j] = t; i++; j--; }
    }
    if (j + 1 - lo < hi - i) { quicksort(a, lo, j + 1); lo = i; }
    else { quicksort(a, i, hi); hi = j + 1; }
  }
  for (int i = lo + 1; i < hi; i++) {
    int32_t v = a[i];
    int j = i - 1;
    while (j >= lo && a[j] > v) { a[j + 1] = a[j]; j--; }
    a[j + 1] = v;
  }
}

static void mergesort(uint32_t *a, uint32_t *tmp, int n) {
  for (int width = 1; width < n; width *= 2) {
    for (int lo = 0; lo < n; lo += 2 * width) {
      int mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
      int i = lo, j = mid, k = lo;
      while (i < mid && j < hi) tmp[k++] = a[i] <= a[j] ? a[i++] : a[j++];
      while (i < mid) tmp[k++] = a[i++];
      while (j < hi) tmp[k++] = a[j++];
    }
    uint32_t *t = a; a = tmp; tmp = t;
    memcpy(tmp, a, sizeof(uint32_t) * n);
  }
}

int main(int argc, char **argv) {
  int reps = argc > 1 ? atoi(argv[1]) : 1;
  int n = 1 << 22;
  int32_t *a = malloc(sizeof(int32_t) * n);
  uint32_t *b = malloc(sizeof(uint32_t) * n), *tmp = malloc(sizeof(uint32_t) * n);
  uint64_t sum = 0;
  uint32_t x = 2463534242u;
  for (int r = 0; r < reps; r++) {
    for (int i = 0; i < n; i++) {
      x ^= x << 13; x ^= x >> 17; x ^= x << 5;
      a[i] = (int32_t)x; b[i] = x % 1000003u;
    }
    quicksort(a, 0, n);
    mergesort(b, tmp, n);
    for (int i = 1; i < n; i++)
      if (a[i - 1] > a[i] || b[i - 1] > b[i]) { printf("not sorted at %d\n", i); return 1; }
    for (int i = 0; i < n; i += 4099) sum = sum * 31 + (uint32_t)a[i] + b[i];
  }
  printf("%llu\n", (unsigned long long)sum);
  return 0;
}
