"""Compare two databases row by row, table by table: the check that an import
writes the same data as another checkout's (README, "Speed": the import).

Usage: python benchmarks/same_rows.py A B  (SQLite paths or PostgreSQL URLs)

Prints each table's row count and the columns whose values differ. Values
made anew by every database or import (the database's UUID, a birthday's
UUID when the file has none) are compared as present or absent only. Exit
status 1 when a table differs.
"""

from __future__ import annotations

import sys

from sqlalchemy import create_engine, inspect, text

# uuid4s made by each database or import: equal only by being there
RANDOM = {("important_dates", "uuid"), ("app_settings", "value")}


def _url(target: str) -> str:
    return target if "://" in target else f"sqlite:///{target}"


def main() -> int:
    a, b = (create_engine(_url(x)) for x in sys.argv[1:3])
    tables_a = set(inspect(a).get_table_names())
    tables_b = set(inspect(b).get_table_names())
    bad = len(tables_a ^ tables_b)
    if bad:
        print("tables only in one:", sorted(tables_a ^ tables_b))
    for table in sorted(tables_a & tables_b):
        if table.startswith("client_fts_"):  # FTS5's own shadow tables
            continue
        columns = [c["name"] for c in inspect(a).get_columns(table)]
        if [c["name"] for c in inspect(b).get_columns(table)] != columns:
            print(f"{table}: columns differ")
            bad += 1
            continue
        if table == "client_fts" and a.dialect.name == "sqlite":
            columns = ["rowid", "body"]
        quoted = ", ".join(f'"{c}"' for c in columns)
        query = text(f'SELECT {quoted} FROM "{table}" ORDER BY 1'
                     + ("" if table == "client_fts" else f", {quoted}"))
        with a.connect() as conn_a, b.connect() as conn_b:
            rows_a = conn_a.execute(query).fetchall()
            rows_b = conn_b.execute(query).fetchall()
        if len(rows_a) != len(rows_b):
            print(f"{table}: {len(rows_a)} rows, {len(rows_b)} rows")
            bad += 1
            continue
        differ: dict[str, int] = {}
        for row_a, row_b in zip(rows_a, rows_b, strict=True):
            if row_a == row_b:
                continue
            for column, x, y in zip(columns, row_a, row_b, strict=True):
                if x != y and not ((table, column) in RANDOM and bool(x) == bool(y)):
                    differ[column] = differ.get(column, 0) + 1
        print(f"{table}: {len(rows_a):,} rows, " + (f"DIFFER {differ}" if differ else "the same"))
        bad += bool(differ)
    print("every table the same" if not bad else f"{bad} tables differ")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
