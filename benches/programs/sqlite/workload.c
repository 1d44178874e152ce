// SQLite's own engine on an in-memory database: bulk inserts through a
// prepared statement, an index build, joins, aggregates, LIKE scans,
// sorting, updates and deletes. ROWS (argv[1]) sets the size.
#include <stdio.h>
#include <stdlib.h>
#include "sqlite3.h"

static sqlite3 *db;

static void exec(const char *sql) {
  char *err = NULL;
  if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) { printf("error: %s in %s\n", err, sql); exit(1); }
}

// Prints every row of a query, `|`-separated.
static void query(const char *sql) {
  sqlite3_stmt *stmt;
  if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK) { printf("error: %s\n", sqlite3_errmsg(db)); exit(1); }
  int cols = sqlite3_column_count(stmt);
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    for (int i = 0; i < cols; i++) {
      const unsigned char *v = sqlite3_column_text(stmt, i);
      printf("%s%s", i ? "|" : "", v ? (const char *)v : "NULL");
    }
    printf("\n");
  }
  sqlite3_finalize(stmt);
}

int main(int argc, char **argv) {
  int rows = argc > 1 ? atoi(argv[1]) : 200000;
  if (sqlite3_open(":memory:", &db) != SQLITE_OK) return 1;
  // Sorts for index builds spill to temporary files unless told not to;
  // WASI programs here get no directory.
  exec("PRAGMA temp_store = MEMORY");
  exec("CREATE TABLE customer(id INTEGER PRIMARY KEY, name TEXT, city TEXT, born INTEGER);"
       "CREATE TABLE orders(id INTEGER PRIMARY KEY, customer INTEGER, item TEXT, qty INTEGER, price REAL);");
  static const char *cities[] = {"Lisbon", "Oslo", "Quito", "Hanoi", "Perth", "Lagos", "Lima", "Riga"};
  static const char *items[] = {"anvil", "bolt", "crate", "drill", "easel", "flask", "gauge", "hinge", "ingot"};
  sqlite3_stmt *c, *o;
  sqlite3_prepare_v2(db, "INSERT INTO customer VALUES(?, ?, ?, ?)", -1, &c, NULL);
  sqlite3_prepare_v2(db, "INSERT INTO orders VALUES(NULL, ?, ?, ?, ?)", -1, &o, NULL);
  exec("BEGIN");
  unsigned x = 12345;
  char name[32];
  for (int i = 0; i < rows / 4; i++) {
    x = x * 1103515245u + 12345u;
    snprintf(name, sizeof name, "cust%07d-%c%c", i, 'a' + x % 26, 'a' + (x >> 8) % 26);
    sqlite3_bind_int(c, 1, i);
    sqlite3_bind_text(c, 2, name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(c, 3, cities[(x >> 16) % 8], -1, SQLITE_STATIC);
    sqlite3_bind_int(c, 4, 1940 + (x >> 4) % 70);
    sqlite3_step(c);
    sqlite3_reset(c);
  }
  for (int i = 0; i < rows; i++) {
    x = x * 1103515245u + 12345u;
    sqlite3_bind_int(o, 1, (x >> 3) % (rows / 4));
    sqlite3_bind_text(o, 2, items[(x >> 12) % 9], -1, SQLITE_STATIC);
    sqlite3_bind_int(o, 3, 1 + (x >> 20) % 12);
    sqlite3_bind_double(o, 4, ((x >> 8) % 10000) / 100.0);
    sqlite3_step(o);
    sqlite3_reset(o);
  }
  exec("COMMIT");
  sqlite3_finalize(c);
  sqlite3_finalize(o);
  exec("CREATE INDEX orders_customer ON orders(customer); CREATE INDEX customer_city ON customer(city, born);");
  query("SELECT count(*), sum(qty), round(sum(qty * price), 2) FROM orders");
  query("SELECT c.city, count(*), round(avg(o.price), 4), max(o.qty) FROM orders o JOIN customer c ON c.id = o.customer "
        "GROUP BY c.city ORDER BY c.city");
  query("SELECT item, count(DISTINCT customer) FROM orders WHERE qty > 6 GROUP BY item ORDER BY 2 DESC, 1");
  query("SELECT name, born FROM customer WHERE name LIKE '%-q%' ORDER BY born DESC, name LIMIT 5");
  query("SELECT c.name, round(sum(o.qty * o.price), 2) AS spent FROM customer c JOIN orders o ON o.customer = c.id "
        "WHERE c.city = 'Oslo' AND c.born BETWEEN 1960 AND 1970 GROUP BY c.id ORDER BY spent DESC, c.name LIMIT 5");
  exec("UPDATE orders SET price = price * 1.1 WHERE item IN ('anvil', 'hinge');"
       "DELETE FROM orders WHERE qty = 1;");
  query("SELECT count(*), round(sum(price), 2) FROM orders");
  query("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50000) "
        "SELECT count(*), sum(i % 7), group_concat(i, ',') LIKE '%49999%' FROM n");
  sqlite3_close(db);
  return 0;
}
