// String processing and parsing: builds a JSON document of records in
// memory, then parses it with a recursive-descent parser REPS times
// (argv[1]), summing numbers and hashing strings and keys.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct parser { const char *p; double numbers; uint32_t strings; int objects, arrays; };

static void ws(struct parser *ps) { while (*ps->p == ' ' || *ps->p == '\n' || *ps->p == '\t') ps->p++; }

static int value(struct parser *ps);

static int string(struct parser *ps) {
  if (*ps->p != '"') return 0;
  ps->p++;
  uint32_t h = 2166136261u;
  while (*ps->p != '"') {
    char c = *ps->p++;
    if (c == '\\') {
      c = *ps->p++;
      if (c == 'n') c = '\n';
      else if (c == 'u') { c = (char)strtol((char[]){ps->p[0], ps->p[1], ps->p[2], ps->p[3], 0}, NULL, 16); ps->p += 4; }
    }
    if (!c) return 0;
    h = (h ^ (uint8_t)c) * 16777619u;
  }
  ps->p++;
  ps->strings ^= h;
  return 1;
}

static int number(struct parser *ps) {
  int neg = *ps->p == '-';
  if (neg) ps->p++;
  double v = 0;
  if (*ps->p < '0' || *ps->p > '9') return 0;
  while (*ps->p >= '0' && *ps->p <= '9') v = v * 10 + (*ps->p++ - '0');
  if (*ps->p == '.') {
    double scale = 0.1;
    for (ps->p++; *ps->p >= '0' && *ps->p <= '9'; ps->p++, scale *= 0.1) v += (*ps->p - '0') * scale;
  }
  ps->numbers += neg ? -v : v;
  return 1;
}

static int value(struct parser *ps) {
  ws(ps);
  switch (*ps->p) {
    case '{':
      ps->p++; ps->objects++; ws(ps);
      if (*ps->p == '}') { ps->p++; return 1; }
      for (;;) {
        ws(ps);
        if (!string(ps)) return 0;
        ws(ps);
        if (*ps->p++ != ':' || !value(ps)) return 0;
        ws(ps);
        if (*ps->p == ',') { ps->p++; continue; }
        if (*ps->p++ == '}') return 1;
        return 0;
      }
    case '[':
      ps->p++; ps->arrays++; ws(ps);
      if (*ps->p == ']') { ps->p++; return 1; }
      for (;;) {
        if (!value(ps)) return 0;
        ws(ps);
        if (*ps->p == ',') { ps->p++; continue; }
        if (*ps->p++ == ']') return 1;
        return 0;
      }
    case '"': return string(ps);
    case 't': if (!strncmp(ps->p, "true", 4)) { ps->p += 4; return 1; } return 0;
    case 'f': if (!strncmp(ps->p, "false", 5)) { ps->p += 5; return 1; } return 0;
    case 'n': if (!strncmp(ps->p, "null", 4)) { ps->p += 4; return 1; } return 0;
    default: return number(ps);
  }
}

int main(int argc, char **argv) {
  int reps = argc > 1 ? atoi(argv[1]) : 60;
  size_t cap = 8 << 20, len = 0;
  char *doc = malloc(cap);
  static const char *words[] = {"alpha", "beta", "gamma\\n", "delta", "epsilon \\u0041", "zeta", "eta", "theta"};
  len += sprintf(doc + len, "{\"records\": [\n");
  for (int i = 0; i < 40000; i++) {
    len += sprintf(doc + len,
                   "%s  {\"id\": %d, \"name\": \"%s-%d\", \"score\": %d.%02d, \"tags\": [\"%s\", \"%s\"], "
                   "\"active\": %s, \"parent\": %s, \"pos\": {\"x\": -%d.5, \"y\": %d}}",
                   i ? ",\n" : "", i, words[i % 8], i * 7, i % 1000, i % 100, words[(i / 8) % 8],
                   words[(i * 3) % 8], i % 3 ? "true" : "false", i % 5 ? "null" : "0", i % 17, i % 31);
  }
  len += sprintf(doc + len, "\n]}\n");
  struct parser total = {0};
  for (int r = 0; r < reps; r++) {
    struct parser ps = {doc};
    if (!value(&ps)) { printf("parse error at %ld\n", (long)(ps.p - doc)); return 1; }
    total.numbers += ps.numbers; total.strings = total.strings * 31 + ps.strings + r;
    total.objects += ps.objects; total.arrays += ps.arrays;
  }
  printf("%zu bytes: numbers %.2f strings %08x objects %d arrays %d\n", len, total.numbers,
         total.strings, total.objects, total.arrays);
  return 0;
}
