// Clocks: realtime is plausible, monotonic never goes back, sleeping takes time.
#include <stdio.h>
#include <time.h>
int main(void) {
  struct timespec a, b, r;
  clock_gettime(CLOCK_REALTIME, &r);
  printf("realtime after 2020: %s\n", r.tv_sec > 1577836800 ? "yes" : "no");
  clock_gettime(CLOCK_MONOTONIC, &a);
  int back = 0;
  for (int i = 0; i < 10000; i++) { clock_gettime(CLOCK_MONOTONIC, &b); if (b.tv_sec < a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec < a.tv_nsec)) back++; a = b; }
  printf("monotonic went back: %d times\n", back);
  clock_gettime(CLOCK_MONOTONIC, &a);
  struct timespec d = {0, 20 * 1000 * 1000};
  nanosleep(&d, NULL);
  clock_gettime(CLOCK_MONOTONIC, &b);
  long long ns = (b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec);
  printf("slept at least 20 ms: %s\n", ns >= 20000000 ? "yes" : "no");
  struct timespec res;
  printf("monotonic resolution known: %s\n", clock_getres(CLOCK_MONOTONIC, &res) == 0 && (res.tv_sec > 0 || res.tv_nsec > 0) ? "yes" : "no");
  clock_t c0 = clock();
  volatile double x = 0; for (int i = 0; i < 3000000; i++) x += i * 0.5;
  printf("process cpu time advances: %s\n", clock() > c0 ? "yes" : "no");
  time_t t = 86400 * 365;
  struct tm tm; gmtime_r(&t, &tm);
  char buf[64]; strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  printf("gmtime: %s\n", buf);
  return 0;
}
