// String handling: tokenizing, formatting, searching, moving.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
int main(void) {
  char text[] = "alpha,beta;;gamma , delta;epsilon,,zeta";
  char *save, *tok = strtok_r(text, ",;", &save);
  int n = 0;
  while (tok) { while (isspace((unsigned char)*tok)) tok++; printf("tok[%d]=%s len=%zu\n", n++, tok, strlen(tok)); tok = strtok_r(NULL, ",;", &save); }
  char buf[128];
  int w = snprintf(buf, sizeof buf, "%-8s|%8.3f|%+05d|%x|%o|%c|%%|%10.4s|", "left", 3.14159, 42, 255, 8, 'z', "truncated");
  printf("%s (%d)\n", buf, w);
  printf("strstr: %s\n", strstr("find the needle in the haystack", "needle"));
  printf("strrchr: %s\n", strrchr("a/b/c/file.txt", '/'));
  char m[] = "0123456789";
  memmove(m + 2, m, 6);
  printf("memmove: %s\n", m);
  printf("strtol: %ld %ld %lu\n", strtol("-0x1f", NULL, 16), strtol("777", NULL, 8), strtoul("4294967295", NULL, 10));
  char *words[] = {"pear", "apple", "fig", "banana"};
  for (int i = 0; i < 4; i++) for (int j = i + 1; j < 4; j++) if (strcmp(words[i], words[j]) > 0) { char *t = words[i]; words[i] = words[j]; words[j] = t; }
  printf("sorted: %s %s %s %s\n", words[0], words[1], words[2], words[3]);
  return 0;
}
