// Failing calls report the errno the platform defines.
#include <stdio.h>
#include <errno.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>
static void report(const char *what, int ok) { printf("%-28s %s\n", what, ok ? "ok" : strerror(errno)); }
int main(void) {
  report("open missing file", open("missing.txt", O_RDONLY) >= 0);
  mkdir("dir", 0755);
  report("mkdir existing", mkdir("dir", 0755) == 0);
  FILE *f = fopen("dir/file", "w"); fclose(f);
  report("rmdir non-empty", rmdir("dir") == 0);
  report("unlink a directory", unlink("dir") == 0);
  report("open dir for writing", open("dir", O_WRONLY) >= 0);
  report("exclusive create existing", open("dir/file", O_CREAT | O_EXCL | O_WRONLY, 0644) >= 0);
  report("rmdir a file", rmdir("dir/file") == 0);
  report("read bad fd", read(99, (char[4]){0}, 4) >= 0);
  report("chdir-free relative stat", access("dir/file", F_OK) == 0);
  return 0;
}
