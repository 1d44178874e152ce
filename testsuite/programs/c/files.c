// Create, write, append, seek, truncate, stat, rename and remove files.
#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>
int main(void) {
  FILE *f = fopen("notes.txt", "w");
  for (int i = 0; i < 100; i++) fprintf(f, "line %d of the notes\n", i);
  fclose(f);
  f = fopen("notes.txt", "a");
  fputs("appended\n", f);
  fclose(f);
  struct stat st;
  stat("notes.txt", &st);
  printf("size after append: %lld\n", (long long)st.st_size);
  int fd = open("notes.txt", O_RDWR);
  char buf[32] = {0};
  lseek(fd, 20, SEEK_SET);
  read(fd, buf, 16);
  printf("at 20: [%s]\n", buf);
  printf("tell: %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
  lseek(fd, -9, SEEK_END);
  memset(buf, 0, sizeof buf);
  read(fd, buf, 8);
  printf("last 8: [%s]\n", buf);
  ftruncate(fd, 50);
  fstat(fd, &st);
  printf("size after truncate: %lld\n", (long long)st.st_size);
  pwrite(fd, "XYZ", 3, 5);
  memset(buf, 0, sizeof buf);
  pread(fd, buf, 10, 0);
  printf("pread: [%s]\n", buf);
  close(fd);
  printf("rename: %d\n", rename("notes.txt", "kept.txt"));
  printf("old exists: %d\n", access("notes.txt", F_OK) == 0);
  f = fopen("scratch.bin", "wb");
  fwrite("\0\1\2\3", 1, 4, f);
  fclose(f);
  printf("unlink: %d\n", unlink("scratch.bin"));
  return 0;
}
