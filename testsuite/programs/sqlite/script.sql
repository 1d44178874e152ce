PRAGMA journal_mode = DELETE;
CREATE TABLE author (id INTEGER PRIMARY KEY, name TEXT NOT NULL, born INTEGER);
CREATE TABLE book (id INTEGER PRIMARY KEY, author_id INTEGER REFERENCES author(id), title TEXT, year INTEGER, price REAL);
BEGIN;
INSERT INTO author(name, born) VALUES ('Le Guin', 1929), ('Lem', 1921), ('Tokarczuk', 1962), ('Borges', 1899);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
INSERT INTO book(author_id, title, year, price)
  SELECT 1 + i % 4, 'Volume ' || i, 1900 + (i * 37) % 120, round((i * 7919 % 1000) / 10.0, 2) FROM n;
COMMIT;
CREATE INDEX book_year ON book(year);
SELECT count(*) AS books, sum(price) AS total, avg(year) AS mean_year FROM book;
SELECT a.name, count(b.id) AS n, round(avg(b.price), 3) AS avg_price, min(b.year) AS first, max(b.year) AS last
  FROM author a JOIN book b ON b.author_id = a.id GROUP BY a.id ORDER BY n DESC, a.name;
SELECT year, count(*) AS n FROM book WHERE year BETWEEN 1950 AND 1955 GROUP BY year ORDER BY year;
SELECT title, price, rank() OVER (ORDER BY price DESC, id) AS r FROM book ORDER BY r LIMIT 5;
SELECT json_object('name', name, 'born', born) AS j FROM author ORDER BY born;
SELECT json_extract('{"a": [1, 2, {"b": "deep"}]}', '$.a[2].b') AS deep;
CREATE VIRTUAL TABLE notes USING fts5(body);
INSERT INTO notes VALUES ('the left hand of darkness'), ('solaris and the ocean'), ('the garden of forking paths'), ('flights');
SELECT body FROM notes WHERE notes MATCH 'the' ORDER BY rank, body;
UPDATE book SET price = price * 1.1 WHERE year < 1950;
DELETE FROM book WHERE id % 3 = 0;
SELECT count(*) AS left_over, round(sum(price), 2) AS total FROM book;
SELECT printf('%08.3f|%x|%s', 3.14159, 255, upper('done')) AS formatted;
SELECT * FROM no_such_table;
VACUUM;
PRAGMA integrity_check;
