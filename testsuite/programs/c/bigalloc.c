// Large allocations grow linear memory through memory.grow.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
int main(void) {
  size_t sizes[] = {1 << 20, 16 << 20, 64 << 20, 256 << 20};
  uint64_t total = 0;
  for (int i = 0; i < 4; i++) {
    unsigned char *p = malloc(sizes[i]);
    if (!p) { printf("malloc %zu failed\n", sizes[i]); return 1; }
    memset(p, i + 1, sizes[i]);
    for (size_t j = 0; j < sizes[i]; j += 4096) total += p[j];
    printf("allocated %zu MiB, running sum %llu\n", sizes[i] >> 20, (unsigned long long)total);
    if (i < 3) free(p);
  }
  char *r = NULL;
  for (int i = 1; i <= 20; i++) { r = realloc(r, (size_t)i << 20); r[((size_t)i << 20) - 1] = (char)i; }
  printf("realloc to 20 MiB: last byte %d\n", r[(20 << 20) - 1]);
  void *huge = malloc((size_t)3 << 30);
  printf("3 GiB more: %s\n", huge ? "granted" : "refused");
  return 0;
}
