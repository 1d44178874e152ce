// Arguments and granted environment variables reach the program; others do not.
// ARGS: one "two words" three
// ENV: GREETING=hello EMPTY=
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv) {
  printf("argc=%d\n", argc);
  for (int i = 1; i < argc; i++) printf("argv[%d]=%s\n", i, argv[i]);
  const char *names[] = {"GREETING", "EMPTY", "NOT_GRANTED"};
  for (int i = 0; i < 3; i++) {
    const char *v = getenv(names[i]);
    printf("%s=%s\n", names[i], v ? v : "(unset)");
  }
  return 0;
}
