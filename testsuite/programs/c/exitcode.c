// exit() with a status flushes buffered stdout first.
// EXIT: 42
#include <stdio.h>
#include <stdlib.h>
int main(void) {
  printf("buffered line one\n");
  printf("buffered without newline");
  fprintf(stderr, "to stderr\n");
  exit(42);
}
