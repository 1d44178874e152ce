// Make a directory tree, walk it recursively in sorted order, remove part of it.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>
static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }
static void walk(const char *path, int depth) {
  DIR *d = opendir(path);
  if (!d) { printf("cannot open %s\n", path); return; }
  char *names[256]; int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) && n < 256)
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) names[n++] = strdup(e->d_name);
  closedir(d);
  qsort(names, n, sizeof *names, cmp);
  for (int i = 0; i < n; i++) {
    char p[512]; snprintf(p, sizeof p, "%s/%s", path, names[i]);
    struct stat st; stat(p, &st);
    printf("%*s%s%s %lld\n", depth * 2, "", names[i], S_ISDIR(st.st_mode) ? "/" : "", S_ISDIR(st.st_mode) ? 0LL : (long long)st.st_size);
    if (S_ISDIR(st.st_mode)) walk(p, depth + 1);
    free(names[i]);
  }
}
int main(void) {
  mkdir("tree", 0755); mkdir("tree/a", 0755); mkdir("tree/b", 0755); mkdir("tree/a/deep", 0755);
  const char *files[] = {"tree/top.txt", "tree/a/one.txt", "tree/a/deep/two.txt", "tree/b/three.txt", "tree/b/four.txt"};
  for (int i = 0; i < 5; i++) { FILE *f = fopen(files[i], "w"); for (int j = 0; j <= i; j++) fputs("data\n", f); fclose(f); }
  walk("tree", 0);
  printf("rmdir non-empty: %d\n", rmdir("tree/b") == 0);
  unlink("tree/b/three.txt"); unlink("tree/b/four.txt");
  printf("rmdir emptied: %d\n", rmdir("tree/b") == 0);
  walk("tree", 0);
  return 0;
}
