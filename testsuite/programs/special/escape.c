// Every way out of the granted directory is refused. The test runs this
// with only `inside` granted (as "."), and `../outside` next to it.
#include <stdio.h>
#include <errno.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <dirent.h>
#include <sys/stat.h>
static void attempt(const char *what, int succeeded) {
  printf("%-34s %s\n", what, succeeded ? "ESCAPED" : "refused");
}
int main(void) {
  attempt("open ../outside/secret.txt", open("../outside/secret.txt", O_RDONLY) >= 0);
  attempt("open /etc/passwd", open("/etc/passwd", O_RDONLY) >= 0);
  attempt("create ../outside/new.txt", open("../outside/new.txt", O_CREAT | O_WRONLY, 0644) >= 0);
  attempt("mkdir ../outside/newdir", mkdir("../outside/newdir", 0755) == 0);
  attempt("opendir ..", opendir("..") != NULL);
  attempt("stat ../outside/secret.txt", ({ struct stat st; stat("../outside/secret.txt", &st) == 0; }));
  attempt("unlink ../outside/secret.txt", unlink("../outside/secret.txt") == 0);
  FILE *f = fopen("mine.txt", "w"); fputs("inside\n", f); fclose(f);
  attempt("rename mine.txt to ../outside/", rename("mine.txt", "../outside/moved.txt") == 0);
  symlink("../outside", "up");
  attempt("open through symlink up/secret", open("up/secret.txt", O_RDONLY) >= 0);
  attempt("create through symlink up/x", open("up/x.txt", O_CREAT | O_WRONLY, 0644) >= 0);
  symlink("/etc/passwd", "abs");
  attempt("open absolute symlink", open("abs", O_RDONLY) >= 0);
  attempt("link ../outside/secret.txt here", link("../outside/secret.txt", "stolen.txt") == 0);
  attempt("open a/../../outside/secret", ({ mkdir("a", 0755); open("a/../../outside/secret.txt", O_RDONLY) >= 0; }));
  return 0;
}
