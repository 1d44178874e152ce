// Bulk memory: memcpy, memmove and memset over buffers of many sizes
// (from 16 bytes to 4 MiB), ROUNDS times (argv[1]).
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 1000;
  size_t n = 8 << 20;
  uint8_t *a = malloc(n), *b = malloc(n);
  for (size_t i = 0; i < n; i++) a[i] = (uint8_t)(i * 31 + 7);
  uint32_t check = 0;
  for (int r = 0; r < rounds; r++) {
    memcpy(b, a, n / 2);                                      // large copies
    memmove(b + 1, b, n / 2);                                 // overlapping, forwards
    memset(a + (r % 64), r, n / 4);                           // large fill
    for (size_t size = 16; size <= 4096; size *= 2)          // many small ones
      for (size_t off = 0; off + size < n / 8; off += size * 5) {
        memcpy(a + n / 2 + off, b + off + (r & 7), size);
        memset(b + off, (int)(off + r), size / 2);
      }
    check = check * 31 + a[n / 2 + 4097 * r % (n / 8)] + b[n / 3] + b[12345 + r];
  }
  printf("check %08x\n", check);
  return 0;
}
