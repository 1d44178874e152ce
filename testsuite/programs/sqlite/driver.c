// Runs a SQL script against a database file: `driver DB SCRIPT`.
// Prints every result row, and the error of any failing statement.
#include <stdio.h>
#include <stdlib.h>
#include "sqlite3.h"

static int print_row(void *unused, int n, char **values, char **names) {
  (void)unused;
  for (int i = 0; i < n; i++) printf("%s%s=%s", i ? "|" : "", names[i], values[i] ? values[i] : "NULL");
  printf("\n");
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 3) { fprintf(stderr, "usage: %s DB SCRIPT\n", argv[0]); return 2; }
  FILE *f = fopen(argv[2], "rb");
  if (!f) { perror(argv[2]); return 2; }
  fseek(f, 0, SEEK_END); long n = ftell(f); rewind(f);
  char *sql = malloc(n + 1);
  fread(sql, 1, n, f); sql[n] = 0; fclose(f);
  sqlite3 *db;
  if (sqlite3_open(argv[1], &db) != SQLITE_OK) { fprintf(stderr, "open: %s\n", sqlite3_errmsg(db)); return 1; }
  printf("sqlite %s\n", sqlite3_libversion());
  const char *rest = sql;
  int failures = 0;
  while (rest && *rest) {
    sqlite3_stmt *stmt;
    const char *tail;
    if (sqlite3_prepare_v2(db, rest, -1, &stmt, &tail) != SQLITE_OK) {
      printf("error: %s\n", sqlite3_errmsg(db)); failures++;
      // skip to the next statement
      while (*rest && *rest != ';') rest++;
      if (*rest) rest++;
      continue;
    }
    rest = tail;
    if (!stmt) continue;
    int rc, cols = sqlite3_column_count(stmt);
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      for (int i = 0; i < cols; i++) {
        const unsigned char *v = sqlite3_column_text(stmt, i);
        printf("%s%s=%s", i ? "|" : "", sqlite3_column_name(stmt, i), v ? (const char *)v : "NULL");
      }
      printf("\n");
    }
    if (rc != SQLITE_DONE) { printf("error: %s\n", sqlite3_errmsg(db)); failures++; }
    sqlite3_finalize(stmt);
  }
  (void)print_row;
  printf("changes %d, failures %d\n", sqlite3_total_changes(db), failures);
  sqlite3_close(db);
  return failures ? 1 : 0;
}
