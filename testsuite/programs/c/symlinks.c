// Symbolic links inside the granted directory work; lstat sees the link.
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
int main(void) {
  FILE *f = fopen("target.txt", "w"); fputs("through the link\n", f); fclose(f);
  printf("symlink: %d\n", symlink("target.txt", "link.txt"));
  char buf[64] = {0};
  ssize_t n = readlink("link.txt", buf, sizeof buf - 1);
  printf("readlink: %zd [%s]\n", n, buf);
  struct stat st;
  lstat("link.txt", &st); printf("lstat is link: %d\n", S_ISLNK(st.st_mode));
  stat("link.txt", &st); printf("stat is regular: %d size %lld\n", S_ISREG(st.st_mode), (long long)st.st_size);
  f = fopen("link.txt", "r"); fgets(buf, sizeof buf, f); fclose(f);
  printf("read via link: %s", buf);
  printf("hard link: %d\n", link("target.txt", "hard.txt"));
  stat("hard.txt", &st); printf("hard link count: %lld\n", (long long)st.st_nlink);
  return 0;
}
