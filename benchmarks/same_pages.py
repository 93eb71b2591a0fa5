"""Write what search as you type shows for each query, to compare two
checkouts: the check that a change to how the hits are read keeps which
clients a query finds and their order (README, "Speed": search as you type).

For ``search.py``'s typed queries (Chinese names and surnames, pinyin,
initials, phone digits) and short latin keys of one to three letters, on
one book: the first page (64 ids) with its count up to 1,001, as a
keystroke reads it; the next page (256 ids from 64, as the view scrolls);
every id of a search with at most 1,000 hits; and the hits counted up to
1,001. (Round 11: the next page is read from 64 whatever the keystroke
read, so that a version that reads only 64 ids of a search it used to read
whole compares: run this script, with each checkout's code on the path.)

Usage: python benchmarks/same_pages.py TARGET OUT.json [--queries 200]
    (TARGET: a SQLite path or a PostgreSQL URL; run it from each checkout
    into its own file, then compare the two files: ``cmp A.json B.json``)
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import search

from desktop_crm.services.clients import ClientFilter, ClientService
from desktop_crm.storage.database import Database

FIRST, NEXT, MOST = 64, 256, 1001
SHORT = ["a", "l", "w", "z", "zh", "li", "wa", "ch", "x", "y", "wan", "zha", "liu", "che",
         "yan", "hua", "ma", "s", "q", "j", "gyl", "杭州交通投资集团有限公司",
         "深圳鑫源电子有限公司", "北京益康文化传媒有限公司", "青岛同创贸易股份有限公司", "有限公司",
         "投资集团", "科技有限"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target")
    parser.add_argument("out", type=Path)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    db = Database.open(args.target)
    service = ClientService(db)
    shown = {}
    for typed in dict.fromkeys(search.make_queries(db, args.queries) + SHORT):
        flt = ClientFilter(text=typed)
        with service.reading():  # as a keystroke reads them
            first, count = service.first_page(flt, FIRST, MOST)
        # the next page from the first page's end (a keystroke may read
        # more than a page: every hit of a search it ranks whole)
        after = service.ranked_page(flt, FIRST, NEXT, count) if count > FIRST else []
        shown[typed] = {"first": first[:FIRST], "count": count, "next": after,
                        "all": service.list_ids(flt) if count < MOST else None,
                        "hits": service.count_hits(flt, MOST)}
    db.close()
    args.out.write_text(json.dumps(shown, ensure_ascii=False, indent=0))
    print(f"{len(shown)} queries written to {args.out}")


if __name__ == "__main__":
    main()
