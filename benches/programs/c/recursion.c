// Recursion-heavy code: naive Fibonacci, Takeuchi's function, the
// Ackermann function and N-queens by backtracking, REPS times (argv[1]).
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

static int tak(int x, int y, int z) { return y < x ? tak(tak(x - 1, y, z), tak(y - 1, z, x), tak(z - 1, x, y)) : z; }

static uint32_t ack(uint32_t m, uint32_t n) {
  if (m == 0) return n + 1;
  if (n == 0) return ack(m - 1, 1);
  return ack(m - 1, ack(m, n - 1));
}

static int queens(int n, int row, uint32_t cols, uint32_t d1, uint32_t d2) {
  if (row == n) return 1;
  int count = 0;
  for (uint32_t free = ~(cols | d1 | d2) & ((1u << n) - 1); free; free &= free - 1) {
    uint32_t bit = free & -free;
    count += queens(n, row + 1, cols | bit, (d1 | bit) << 1, (d2 | bit) >> 1);
  }
  return count;
}

int main(int argc, char **argv) {
  int reps = argc > 1 ? atoi(argv[1]) : 30;
  uint32_t sum = 0;
  for (int r = 0; r < reps; r++) {
    int f = fib(30 + r % 3), t = tak(22 + r % 3, 16, 8), q = queens(9 + r % 2, 0, 0, 0, 0);
    uint32_t a = ack(3, 7 + r % 3);
    if (r < 3) printf("fib %d tak %d ack %u queens %d\n", f, t, a, q);
    sum += f + t + a + q;
  }
  printf("sum %u\n", sum);
  return 0;
}
