// poll(): readiness of stdin (a pipe with data) and of a file, and a pure
// timeout; these are poll_oneoff's fd and clock subscriptions.
// STDIN: ready data\n
#include <stdio.h>
#include <poll.h>
#include <fcntl.h>
#include <unistd.h>
#include <time.h>
int main(void) {
  struct pollfd p[2] = {{.fd = 0, .events = POLLIN}, {.fd = -1}};
  FILE *f = fopen("file.txt", "w"); fputs("x", f); fclose(f);
  p[1].fd = open("file.txt", O_RDONLY); p[1].events = POLLIN;
  // First wait for stdin alone: the test writes it after the program
  // starts, and the file would otherwise win the race.
  struct pollfd in = {.fd = 0, .events = POLLIN};
  if (poll(&in, 1, 5000) != 1) printf("stdin never became readable\n");
  int n = poll(p, 2, 1000);
  printf("ready: %d stdin readable: %d file readable: %d\n", n, !!(p[0].revents & POLLIN), !!(p[1].revents & POLLIN));
  char buf[64] = {0};
  read(0, buf, sizeof buf - 1);
  printf("stdin said: %s", buf);
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  poll(NULL, 0, 30);
  clock_gettime(CLOCK_MONOTONIC, &b);
  long long ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
  printf("timeout waited at least 30 ms: %s\n", ms >= 30 ? "yes" : "no");
  return 0;
}
