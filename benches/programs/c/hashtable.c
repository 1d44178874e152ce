// Hash tables: an open-addressing map from 32-bit keys to counts, with
// inserts, lookups and deletions (tombstones), ROUNDS times (argv[1]).
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define EMPTY 0u
#define GONE 1u

struct table { uint32_t *keys, *values, mask, used; };

static uint32_t mix(uint32_t k) {
  k ^= k >> 16; k *= 0x85ebca6bu; k ^= k >> 13; k *= 0xc2b2ae35u; k ^= k >> 16;
  return k;
}

static uint32_t *slot(struct table *t, uint32_t key, int insert) {
  uint32_t i = mix(key) & t->mask, *grave = NULL;
  for (;;) {
    uint32_t k = t->keys[i];
    if (k == key) return &t->values[i];
    if (k == EMPTY) {
      if (!insert) return NULL;
      if (grave) i = (uint32_t)(grave - t->values);
      t->keys[i] = key; t->values[i] = 0; t->used++;
      return &t->values[i];
    }
    if (k == GONE && !grave) grave = &t->values[i];
    i = (i + 1) & t->mask;
  }
}

int main(int argc, char **argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 5;
  struct table t = {0};
  t.mask = (1u << 22) - 1;
  t.keys = calloc(t.mask + 1, sizeof(uint32_t));
  t.values = calloc(t.mask + 1, sizeof(uint32_t));
  uint64_t found = 0, sum = 0;
  for (int r = 0; r < rounds; r++) {
    uint32_t x = 88172645u + r;
    for (int i = 0; i < 1500000; i++) {
      x ^= x << 13; x ^= x >> 17; x ^= x << 5;
      uint32_t key = (x % 2000000u) + 2;
      (*slot(&t, key, 1))++;
    }
    for (uint32_t key = 2; key < 2000002u; key += 3) {
      uint32_t *v = slot(&t, key, 0);
      if (v) { found++; sum += *v; }
    }
    for (uint32_t key = 2 + r; key < 2000002u; key += 5) {
      uint32_t *v = slot(&t, key, 0);
      if (v) { t.keys[v - t.values] = GONE; t.used--; }
    }
  }
  printf("found %llu sum %llu used %u\n", (unsigned long long)found, (unsigned long long)sum, t.used);
  return 0;
}
