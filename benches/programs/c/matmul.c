// Dense float math: C = A * B for N x N doubles, REPS times (argv[1]).
#include <stdio.h>
#include <stdlib.h>

#define N 320

static void multiply(const double *a, const double *b, double *c) {
  for (int i = 0; i < N * N; i++) c[i] = 0;
  for (int i = 0; i < N; i++)
    for (int k = 0; k < N; k++) {
      double aik = a[i * N + k];
      for (int j = 0; j < N; j++) c[i * N + j] += aik * b[k * N + j];
    }
}

int main(int argc, char **argv) {
  int reps = argc > 1 ? atoi(argv[1]) : 50;
  double *a = malloc(sizeof(double) * N * N), *b = malloc(sizeof(double) * N * N),
         *c = malloc(sizeof(double) * N * N);
  for (int i = 0; i < N * N; i++) {
    a[i] = (double)((i * 7) % 19) / 19.0 - 0.5;
    b[i] = (double)((i * 13) % 23) / 23.0 - 0.5;
  }
  double trace = 0;
  for (int r = 0; r < reps; r++) {
    multiply(a, b, c);
    // Feed the result back so no repetition can be skipped.
    for (int i = 0; i < N; i++) { trace += c[i * N + i]; a[i * N + (r % N)] = c[i * N + i] * 0.01; }
  }
  printf("trace %.6e corner %.6e\n", trace, c[N * N - 1]);
  return 0;
}
