// abort() in wasi-libc is `unreachable`: a trap, reported with a backtrace.
#include <stdio.h>
#include <stdlib.h>
void give_up(int why) { if (why) abort(); }
int main(void) {
  printf("about to give up\n");
  fflush(stdout);
  give_up(1);
  return 0;
}
