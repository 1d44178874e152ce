// Integer-heavy code: CRC-32 and FNV-1a over generated data.
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
static uint32_t crc_table[256];
static uint32_t crc32(const uint8_t *p, size_t n) {
  uint32_t c = 0xffffffffu;
  for (size_t i = 0; i < n; i++) c = crc_table[(c ^ p[i]) & 0xff] ^ (c >> 8);
  return c ^ 0xffffffffu;
}
int main(void) {
  for (uint32_t i = 0; i < 256; i++) { uint32_t c = i; for (int k = 0; k < 8; k++) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1; crc_table[i] = c; }
  size_t n = 8 << 20;
  uint8_t *d = malloc(n);
  uint64_t x = 88172645463325252ull;
  for (size_t i = 0; i < n; i++) { x ^= x << 13; x ^= x >> 7; x ^= x << 17; d[i] = (uint8_t)x; }
  uint64_t fnv = 14695981039346656037ull;
  for (size_t i = 0; i < n; i++) { fnv ^= d[i]; fnv *= 1099511628211ull; }
  printf("crc32 %08x fnv1a %016llx\n", crc32(d, n), (unsigned long long)fnv);
  printf("crc32(\"123456789\") = %08x\n", crc32((const uint8_t *)"123456789", 9));
  return 0;
}
