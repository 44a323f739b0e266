"""Search-as-you-type over 1,000,000 enterprises on PostgreSQL (``core.lookups.prefix_match``).

Builds two scratch tables in the database named by ``DATABASE_URL`` (``bench_lookup_ent`` with
1,000,000 rows, 90 % of the names starting with 深圳市, and ``bench_lookup_jur`` with 100 units
of 1 % each), the indexes the ``enterprises`` migration 0003 creates, and runs the query shape
``prefix_match`` produces — ``col COLLATE "C" LIKE 'q%' ORDER BY col COLLATE "C" LIMIT 21``,
inside a scope subquery as ``restrict`` adds it — with ``EXPLAIN ANALYZE``. It also runs the same
search ordered in the database's own collation, which cannot use the index for the order.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/scratch python bench/bench_lookup.py
"""

from __future__ import annotations

import os
import re
import sys
import time

import psycopg

SETUP = """
DROP TABLE IF EXISTS bench_lookup_ent; DROP TABLE IF EXISTS bench_lookup_jur;
CREATE TABLE bench_lookup_jur (id serial primary key, path varchar(255));
INSERT INTO bench_lookup_jur (path)
  SELECT '/440300/' || (440300 + (g % 10)) || '/' || g || '/' FROM generate_series(1, 100) g;
CREATE INDEX bench_lookup_jur_path ON bench_lookup_jur (path varchar_pattern_ops);
CREATE TABLE bench_lookup_ent (id serial primary key, name varchar(200), credit_code varchar(18), jurisdiction_id int);
INSERT INTO bench_lookup_ent (name, credit_code, jurisdiction_id)
SELECT CASE WHEN g % 10 < 9 THEN '深圳市' ELSE '' END
       || (ARRAY['甲','乙','丙','丁','戊','己','庚','辛','壬','癸'])[1 + (g / 7) % 10]
       || (ARRAY['华','安','盛','达','鑫','源','泰','丰','宏','兴'])[1 + (g / 13) % 10]
       || (ARRAY['化工','建筑','机械','物流','电子','食品','纺织','五金','塑胶','印刷'])[1 + (g / 3) % 10]
       || substr(md5(g::text), 1, 4) || '有限公司',
       '9144' || lpad(((g::bigint * 7919) % 100000000)::text, 8, '0') || upper(substr(md5(g::text), 1, 6)),
       1 + g % 100
FROM generate_series(1, 1000000) g;
CREATE INDEX bench_lookup_ent_jur ON bench_lookup_ent (jurisdiction_id, id);
CREATE INDEX bench_lookup_ent_name_c ON bench_lookup_ent ((name COLLATE "C"));
CREATE INDEX bench_lookup_ent_credit_c ON bench_lookup_ent ((credit_code COLLATE "C"));
ANALYZE bench_lookup_ent; ANALYZE bench_lookup_jur;
"""

SCOPE = "jurisdiction_id IN (SELECT id FROM bench_lookup_jur WHERE path::text LIKE %s)"
QUERIES = [
    ("city-wide, '深圳市' (matches 900,000)", "", "name", "深圳市"),
    ("district (10 %), '深圳市甲华'", "/440300/440303/%", "name", "深圳市甲华"),
    ("district (10 %), rare prefix", "/440300/440303/%", "name", "深圳市甲华化工a1"),
    ("one unit (1 %), '深圳市' — worst case", "/440300/440305/45/%", "name", "深圳市"),
    ("city-wide, credit code '91440001'", "", "credit_code", "91440001"),
]


def main() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("set DATABASE_URL to a scratch PostgreSQL database")
    with psycopg.connect(url, autocommit=True) as conn:
        t0 = time.perf_counter()
        conn.execute(SETUP)
        print(f"built 1,000,000 rows and indexes in {time.perf_counter() - t0:.1f} s")
        for label, scope, column, term in QUERIES:
            where = [f'{column} COLLATE "C"::text LIKE %s']
            params: list[str] = [term + "%"]
            if scope:
                where.insert(0, SCOPE)
                params.insert(0, scope)
            sql = (f"EXPLAIN ANALYZE SELECT id, name FROM bench_lookup_ent WHERE {' AND '.join(where)} "
                   f'ORDER BY {column} COLLATE "C" LIMIT 21')
            best = min(_ms(conn, sql, params) for _ in range(3))
            print(f"{label}: {best:.2f} ms (best of 3)")
        sql = "EXPLAIN ANALYZE SELECT id, name FROM bench_lookup_ent WHERE name LIKE %s ORDER BY name LIMIT 21"
        print(f"same city-wide '深圳市甲' ordered in the database collation: "
              f"{min(_ms(conn, sql, ['深圳市甲%']) for _ in range(3)):.2f} ms")
        conn.execute("DROP TABLE bench_lookup_ent; DROP TABLE bench_lookup_jur;")


def _ms(conn: psycopg.Connection, sql: str, params: list[str]) -> float:
    plan = "\n".join(row[0] for row in conn.execute(sql, params).fetchall())
    return float(re.search(r"Execution Time: ([\d.]+) ms", plan).group(1))  # type: ignore[union-attr]


if __name__ == "__main__":
    main()
