// Deep (but finite) recursion with a large stack.
// CFLAGS: -Wl,-z,stack-size=33554432
#include <stdio.h>
static unsigned long long depth_sum(unsigned n) { volatile unsigned pad[8] = {n}; return n == 0 ? pad[0] : n + depth_sum(n - 1); }
static unsigned ackermann(unsigned m, unsigned n) {
  if (m == 0) return n + 1;
  if (n == 0) return ackermann(m - 1, 1);
  return ackermann(m - 1, ackermann(m, n - 1));
}
int main(void) {
  printf("sum to 50000 recursively: %llu\n", depth_sum(50000));
  printf("ackermann(2, 3000) = %u\n", ackermann(2, 3000));
  printf("ackermann(3, 8) = %u\n", ackermann(3, 8));
  return 0;
}
