// Dense float math: iterative radix-2 complex FFT of 2^16 points, forward
// and inverse, REPS times (argv[1]). Twiddles come from a rotation
// recurrence so libm's sin/cos (which differ between libcs) are used once.
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define LOG 16
#define N (1 << LOG)

static double re[N], im[N], wr[N / 2], wi[N / 2];

static void fft(int inverse) {
  for (int i = 1, j = 0; i < N; i++) {
    int bit = N >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) { double t = re[i]; re[i] = re[j]; re[j] = t; t = im[i]; im[i] = im[j]; im[j] = t; }
  }
  for (int len = 2; len <= N; len <<= 1) {
    int step = N / len;
    for (int i = 0; i < N; i += len)
      for (int k = 0; k < len / 2; k++) {
        double cr = wr[k * step], ci = inverse ? -wi[k * step] : wi[k * step];
        double ur = re[i + k], ui = im[i + k];
        double xr = re[i + k + len / 2], xi = im[i + k + len / 2];
        double vr = xr * cr - xi * ci, vi = xr * ci + xi * cr;
        re[i + k] = ur + vr; im[i + k] = ui + vi;
        re[i + k + len / 2] = ur - vr; im[i + k + len / 2] = ui - vi;
      }
  }
  if (inverse)
    for (int i = 0; i < N; i++) { re[i] /= N; im[i] /= N; }
}

int main(int argc, char **argv) {
  int reps = argc > 1 ? atoi(argv[1]) : 90;
  double c = 1, s = 0, dc = cos(-2 * 3.141592653589793 / N), ds = sin(-2 * 3.141592653589793 / N);
  for (int k = 0; k < N / 2; k++) {
    wr[k] = c; wi[k] = s;
    double t = c * dc - s * ds; s = c * ds + s * dc; c = t;
  }
  unsigned x = 1;
  for (int i = 0; i < N; i++) { x = x * 1664525u + 1013904223u; re[i] = (double)(x >> 8) / (1 << 24) - 0.5; im[i] = 0; }
  double peak = 0;
  for (int r = 0; r < reps; r++) {
    fft(0);
    double m = re[r + 1] * re[r + 1] + im[r + 1] * im[r + 1];
    if (m > peak) peak = m;
    fft(1);
  }
  double sum = 0;
  for (int i = 0; i < N; i++) sum += re[i] * (i % 7) - im[i];
  printf("peak %.6e sum %.6e\n", peak, sum);
  return 0;
}
