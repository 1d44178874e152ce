// For `kiln build`: prints its argv untouched, a granted variable, and
// copies data/in.txt to data/out.txt through the granted directory.
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) printf("arg %s\n", argv[i]);
  const char *g = getenv("GREETING");
  printf("GREETING=%s\n", g ? g : "(unset)");
  FILE *in = fopen("data/in.txt", "r");
  if (!in) { printf("no data/in.txt\n"); return 3; }
  char line[128];
  FILE *out = fopen("data/out.txt", "w");
  while (fgets(line, sizeof line, in)) fprintf(out, "copied: %s", line);
  fclose(out);
  fclose(in);
  return argc;
}
