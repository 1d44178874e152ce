// Compression: an LZ77 compressor with hash chains (in the manner of
// LZ4/deflate's matcher) and its decompressor, over 4 MiB of generated
// text, REPS times (argv[1]); the round trip is checked.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WINDOW (1 << 16)
#define HASH_BITS 15
#define MIN_MATCH 4
#define MAX_CHAIN 32

static uint32_t hash4(const uint8_t *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return (v * 2654435761u) >> (32 - HASH_BITS);
}

// Output: a literal run [0x00 | len:16 | bytes] or a match [0x01 | len:16 | dist:16].
static size_t compress(const uint8_t *in, size_t n, uint8_t *out) {
  static int32_t head[1 << HASH_BITS];
  static int32_t prev[WINDOW];
  for (int i = 0; i < (1 << HASH_BITS); i++) head[i] = -1;
  size_t o = 0, lit_start = 0, i = 0;
  while (i + MIN_MATCH <= n) {
    uint32_t h = hash4(in + i);
    int32_t cand = head[h];
    size_t best = 0, best_dist = 0;
    for (int chain = 0; cand >= 0 && i - cand < WINDOW && chain < MAX_CHAIN; chain++) {
      size_t len = 0, max = n - i < 65535 ? n - i : 65535;
      while (len < max && in[cand + len] == in[i + len]) len++;
      if (len > best) { best = len; best_dist = i - cand; }
      cand = prev[cand & (WINDOW - 1)];
    }
    prev[i & (WINDOW - 1)] = head[h];
    head[h] = (int32_t)i;
    if (best >= MIN_MATCH) {
      while (lit_start < i) {
        size_t run = i - lit_start > 65535 ? 65535 : i - lit_start;
        out[o++] = 0; out[o++] = run >> 8; out[o++] = run & 255;
        memcpy(out + o, in + lit_start, run); o += run; lit_start += run;
      }
      out[o++] = 1; out[o++] = best >> 8; out[o++] = best & 255;
      out[o++] = best_dist >> 8; out[o++] = best_dist & 255;
      for (size_t k = 1; k < best && i + k + MIN_MATCH <= n; k++) {
        uint32_t hk = hash4(in + i + k);
        prev[(i + k) & (WINDOW - 1)] = head[hk];
        head[hk] = (int32_t)(i + k);
      }
      i += best;
      lit_start = i;
    } else {
      i++;
    }
  }
  while (lit_start < n) {
    size_t run = n - lit_start > 65535 ? 65535 : n - lit_start;
    out[o++] = 0; out[o++] = run >> 8; out[o++] = run & 255;
    memcpy(out + o, in + lit_start, run); o += run; lit_start += run;
  }
  return o;
}

static size_t decompress(const uint8_t *in, size_t n, uint8_t *out) {
  size_t i = 0, o = 0;
  while (i < n) {
    size_t len = (size_t)in[i + 1] << 8 | in[i + 2];
    if (in[i] == 0) { memcpy(out + o, in + i + 3, len); o += len; i += 3 + len; }
    else {
      size_t dist = (size_t)in[i + 3] << 8 | in[i + 4];
      for (size_t k = 0; k < len; k++) out[o + k] = out[o - dist + k];
      o += len; i += 5;
    }
  }
  return o;
}

int main(int argc, char **argv) {
  int reps = argc > 1 ? atoi(argv[1]) : 6;
  size_t n = 4 << 20;
  uint8_t *text = malloc(n), *packed = malloc(n + n / 100 + 16), *back = malloc(n);
  static const char *words[] = {"the ", "quick ", "brown ", "fox ", "jumps ", "over ", "lazy ", "dog ",
                                "compression ", "window ", "match ", "literal ", "hash ", "chain ", "\n", ", "};
  uint32_t x = 7;
  for (size_t i = 0; i < n;) {
    x ^= x << 13; x ^= x >> 17; x ^= x << 5;
    const char *w = words[x % 16];
    if (x % 97 == 0) { text[i++] = (uint8_t)(x >> 8); continue; }
    for (; *w && i < n; w++) text[i++] = (uint8_t)*w;
  }
  size_t packed_len = 0;
  uint32_t check = 0;
  for (int r = 0; r < reps; r++) {
    text[r * 1000] ^= 0x55;
    packed_len = compress(text, n, packed);
    size_t m = decompress(packed, packed_len, back);
    if (m != n || memcmp(text, back, n)) { printf("round trip failed\n"); return 1; }
    for (size_t i = 0; i < packed_len; i += 61) check = check * 33 + packed[i];
  }
  printf("%zu -> %zu bytes, check %08x\n", n, packed_len, check);
  return 0;
}
