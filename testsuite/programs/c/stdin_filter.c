// A filter: count lines, words and bytes of stdin, echo it upper-cased.
// STDIN: The quick brown fox\njumps over the lazy dog.\n\n  spaced   out  words \nlast line without newline
#include <stdio.h>
#include <ctype.h>
int main(void) {
  int c, lines = 0, words = 0, bytes = 0, in_word = 0;
  while ((c = getchar()) != EOF) {
    bytes++;
    if (c == '\n') lines++;
    if (isspace(c)) in_word = 0; else if (!in_word) { in_word = 1; words++; }
    putchar(toupper(c));
  }
  printf("\n%d %d %d\n", lines, words, bytes);
  return 0;
}
