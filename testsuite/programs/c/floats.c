// printf and strtod of floating-point values, including edge cases.
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <float.h>
int main(void) {
  double v[] = {0.0, -0.0, 1.0, 0.1, 1.0 / 3.0, 2.0 / 3.0, 1e-310, DBL_MAX, DBL_MIN, 123456789.125, -2.5e-7, M_PI, M_E};
  for (unsigned i = 0; i < sizeof v / sizeof *v; i++)
    // (%a of a subnormal is spelled differently by glibc and musl)
    printf("%g|%e|%.17g|%a|%f\n", v[i], v[i], v[i], fabs(v[i]) >= DBL_MIN || v[i] == 0 ? v[i] : 0.0, v[i] < 1e20 ? v[i] : 0.0);
  const char *s[] = {"3.14159", "-1e-5", "0x1.8p3", "inf", "nan", "1e400", "2.2250738585072011e-308", "  42abc", "0.1e1"};
  for (unsigned i = 0; i < sizeof s / sizeof *s; i++) {
    char *end; double d = strtod(s[i], &end);
    printf("strtod(%s) = %.17g rest=[%s]\n", s[i], d, end);
  }
  float f = 16777217.0f;
  printf("float %.9g %.9g %.9g\n", f, sqrtf(2.0f), (float)(1.0 / 3.0));
  printf("math %.15g %.15g %.15g %.15g %.15g\n", sin(1.0), exp(2.5), log(10.0), pow(2.0, 0.5), atan2(1.0, -1.0));
  printf("round %g %g %g %g\n", round(2.5), rint(2.5), floor(-2.5), ceil(-2.5));
  return 0;
}
