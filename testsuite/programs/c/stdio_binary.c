// Binary stdio: fwrite/fread records, fseek/ftell, rewind, feof.
#include <stdio.h>
struct rec { int id; double value; char tag[8]; };
int main(void) {
  FILE *f = fopen("records.bin", "w+b");
  for (int i = 0; i < 1000; i++) { struct rec r = {i, i * 1.5, "rec"}; r.tag[3] = '0' + i % 10; fwrite(&r, sizeof r, 1, f); }
  printf("size %ld\n", ftell(f));
  fseek(f, 500 * (long)sizeof(struct rec), SEEK_SET);
  struct rec r; fread(&r, sizeof r, 1, f);
  printf("record 500: %d %.1f %s\n", r.id, r.value, r.tag);
  rewind(f);
  double sum = 0; int count = 0;
  while (fread(&r, sizeof r, 1, f) == 1) { sum += r.value; count++; }
  printf("read %d records, sum %.1f, eof %d\n", count, sum, feof(f) != 0);
  fclose(f);
  return 0;
}
