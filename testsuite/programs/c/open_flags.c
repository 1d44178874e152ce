// Opening with O_CREAT|O_TRUNC|O_APPEND, appending after a seek, and
// shutdown() on a file: Linux's answers, which wasmtime's preview1 gives.
#include <stdio.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/socket.h>
int main(void) {
  int fd = open("log.txt", O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
  printf("open O_CREAT|O_TRUNC|O_APPEND: %s\n", fd >= 0 ? "ok" : "failed");
  write(fd, "first\n", 6);
  lseek(fd, 0, SEEK_SET);
  write(fd, "second\n", 7);
  close(fd);
  fd = open("log.txt", O_RDONLY);
  char buf[64] = {0};
  read(fd, buf, sizeof buf - 1);
  printf("contents:\n%s", buf);
  errno = 0;
  int r = shutdown(fd, SHUT_RDWR);
  printf("shutdown on a file: %d %s\n", r,
         errno == ENOTSOCK ? "ENOTSOCK" : errno == EBADF ? "EBADF" : "another error");
  close(fd);
  return 0;
}
