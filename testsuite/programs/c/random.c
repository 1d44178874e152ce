// Random bytes come from the host: not constant, not repeating.
#include <stdio.h>
#include <string.h>
#include <unistd.h>
int main(void) {
  unsigned char a[64], b[64];
  if (getentropy(a, sizeof a) || getentropy(b, sizeof b)) { printf("getentropy failed\n"); return 1; }
  int zeros = 0; for (int i = 0; i < 64; i++) zeros += a[i] == 0;
  printf("two draws differ: %s\n", memcmp(a, b, 64) ? "yes" : "no");
  printf("not mostly zero: %s\n", zeros < 16 ? "yes" : "no");
  return 0;
}
