// Indirect-call-heavy dispatch: shapes with a table of function pointers
// (a C vtable), and a filter pipeline of function pointers chosen at run
// time, over STEPS steps (argv[1]).
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

struct shape;
struct vtable {
  double (*area)(const struct shape *);
  double (*perimeter)(const struct shape *);
  void (*scale)(struct shape *, double);
};
struct shape { const struct vtable *vt; double a, b; };

static double rect_area(const struct shape *s) { return s->a * s->b; }
static double rect_perimeter(const struct shape *s) { return 2 * (s->a + s->b); }
static double circle_area(const struct shape *s) { return 3.14159 * s->a * s->a; }
static double circle_perimeter(const struct shape *s) { return 2 * 3.14159 * s->a; }
static double tri_area(const struct shape *s) { return 0.5 * s->a * s->b; }
static double tri_perimeter(const struct shape *s) { return s->a + s->b + (s->a + s->b) * 0.7; }
static void scale_both(struct shape *s, double k) { s->a *= k; s->b *= k; }
static void scale_first(struct shape *s, double k) { s->a *= k; }

static const struct vtable vtables[3] = {
    {rect_area, rect_perimeter, scale_both},
    {circle_area, circle_perimeter, scale_first},
    {tri_area, tri_perimeter, scale_both},
};

typedef uint32_t (*stage)(uint32_t);
static uint32_t add7(uint32_t x) { return x + 7; }
static uint32_t rot(uint32_t x) { return x << 5 | x >> 27; }
static uint32_t xorm(uint32_t x) { return x ^ 0x5bd1e995u; }
static uint32_t mul3(uint32_t x) { return x * 3; }
static uint32_t half(uint32_t x) { return x >> 1 | (x & 1) << 31; }
static uint32_t neg(uint32_t x) { return ~x; }
static const stage stages[6] = {add7, rot, xorm, mul3, half, neg};

int main(int argc, char **argv) {
  int steps = argc > 1 ? atoi(argv[1]) : 150;
  enum { SHAPES = 4096 };
  static struct shape shapes[SHAPES];
  uint32_t x = 1;
  for (int i = 0; i < SHAPES; i++) {
    x = x * 1664525u + 1013904223u;
    shapes[i] = (struct shape){&vtables[x >> 30 == 3 ? 0 : x >> 30], 1 + (x & 255) / 64.0, 1 + (x >> 8 & 255) / 64.0};
  }
  stage pipeline[16];
  for (int i = 0; i < 16; i++) pipeline[i] = stages[(i * 7 + steps) % 6];
  double total = 0;
  uint32_t h = 0;
  for (int s = 0; s < steps; s++) {
    for (int i = 0; i < SHAPES; i++) {
      struct shape *sh = &shapes[i];
      total += sh->vt->area(sh) - sh->vt->perimeter(sh) * 0.25;
      sh->vt->scale(sh, (s & 1) ? 1.001 : 0.999);
    }
    for (int i = 0; i < 100000; i++) {
      uint32_t v = (uint32_t)i ^ h;
      for (int k = 0; k < 16; k++) v = pipeline[(k + i) & 15](v);
      h += v;
    }
  }
  printf("total %.6e hash %08x\n", total, h);
  return 0;
}
