// qsort and bsearch with callbacks (indirect calls) over structs.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
struct person { char name[16]; int age; double score; };
static int by_age(const void *a, const void *b) {
  const struct person *x = a, *y = b;
  return x->age != y->age ? (x->age > y->age) - (x->age < y->age) : strcmp(x->name, y->name);
}
static int by_name(const void *a, const void *b) { return strcmp(((const struct person *)a)->name, ((const struct person *)b)->name); }
static int by_score_desc(const void *a, const void *b) {
  double x = ((const struct person *)a)->score, y = ((const struct person *)b)->score;
  return (x < y) - (x > y);
}
static int cmp_int(const void *a, const void *b) { int x = *(const int *)a, y = *(const int *)b; return (x > y) - (x < y); }
int main(void) {
  struct person p[8] = {{"mira", 31, 7.5}, {"ade", 25, 9.25}, {"zoe", 31, 3.0}, {"kim", 19, 8.0},
                        {"bo", 25, 6.5}, {"lu", 44, 9.75}, {"ines", 19, 5.5}, {"cy", 37, 7.0}};
  int (*orders[])(const void *, const void *) = {by_age, by_name, by_score_desc};
  for (int o = 0; o < 3; o++) {
    qsort(p, 8, sizeof *p, orders[o]);
    for (int i = 0; i < 8; i++) printf("%s(%d,%.2f) ", p[i].name, p[i].age, p[i].score);
    printf("\n");
  }
  qsort(p, 8, sizeof *p, by_name);
  struct person key = {"lu", 0, 0};
  struct person *hit = bsearch(&key, p, 8, sizeof *p, by_name);
  printf("found %s age %d\n", hit ? hit->name : "-", hit ? hit->age : -1);
  int n = 200000, *a = malloc(n * sizeof *a);
  unsigned s = 12345;
  for (int i = 0; i < n; i++) { s = s * 1103515245u + 12345u; a[i] = (int)(s >> 1); }
  qsort(a, n, sizeof *a, cmp_int);
  long long check = 0;
  for (int i = 1; i < n; i++) { if (a[i - 1] > a[i]) { printf("unsorted!\n"); return 1; } check += a[i] % 1000; }
  printf("sorted %d ints, check %lld\n", n, check);
  return 0;
}
