"""The reads the window's start makes before Today is filled (the database's
UUID for "Mine / Everyone", the longest reminder, the recent grade changes
and their clients' rows) go through the tables alone (storage/tables.py):
through a connection (``Database.connect``) they load neither sqlalchemy.orm
nor the mapped classes (about 0.1 s of CPU), and through a session they
configure no mapper (a statement naming a mapped class configures every
mapper first, about 25 ms; storage/models.py, ``Base``). Each check runs in
a fresh interpreter, where nothing has loaded or configured them yet."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, datetime

from desktop_crm.storage.database import Database
from desktop_crm.storage.models import Client, FamilyMemberRow, ImportantDateRow

NOW = datetime(2026, 12, 5, 9, 0)

CHILD = """
import json, sys
from datetime import date
from desktop_crm.storage import care_repo, client_repo, evaluation_repo, identity_repo
from desktop_crm.storage.database import Database
from desktop_crm.storage.models import Base

db = Database.open(sys.argv[1])
with db.read() as s:
    found = [len(identity_repo.database_uuid(s)), care_repo.longest_own_reminder(s)]
    ids, total = evaluation_repo.grade_changes_since(s, date(2026, 12, 1), 10)
    found += [total, [(r.name, r.grade, r.previous_grade) for r in client_repo.rows(s, ids)]]
db.close()
print(json.dumps([found, sorted(m.class_.__name__ for m in Base.registry.mappers
                                if m.configured)]))
"""


def test_the_reads_before_today_configure_no_mapper(db: Database) -> None:
    with db.session() as s:
        fell = Client(name="甲", grade="B", previous_grade="A", last_evaluated_on=date(2026, 12, 3),
                      created_at=NOW, updated_at=NOW)
        s.add_all([fell, Client(name="乙", grade="A", created_at=NOW, updated_at=NOW)])
        s.flush()
        s.add(ImportantDateRow(client_id=fell.id, kind="birthday", month=5, day=1,
                               remind_days=12))
    url = db.url
    db.close()  # (the child opens it alone)
    done = subprocess.run([sys.executable, "-c", CHILD, url], capture_output=True, text=True,
                          env=dict(os.environ), timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    found, configured = json.loads(done.stdout.strip().splitlines()[-1])
    assert found == [36, 12, 1, [["甲", "B", "A"]]]
    assert configured == []


CORE_CHILD = """
import json, sys
from datetime import date
from desktop_crm.storage import care_repo, client_rows, identity_repo
from desktop_crm.storage.database import Database

db = Database.open(sys.argv[1])
with db.connect() as c:
    found = [len(identity_repo.stored_database_uuid(c) or ""), care_repo.longest_own_reminder(c)]
    ids, total = client_rows.grade_changes_since(c, date(2026, 12, 1), 10)
    found += [total, [(r.name, r.grade, r.previous_grade) for r in client_rows.rows(c, ids)]]
loaded = sorted(m for m in ("sqlalchemy.orm", "desktop_crm.storage.models") if m in sys.modules)
db.close()
print(json.dumps([found, loaded]))
"""


def test_the_reads_before_today_load_no_orm(db: Database) -> None:
    with db.session() as s:
        fell = Client(name="甲", grade="B", previous_grade="A", last_evaluated_on=date(2026, 12, 3),
                      created_at=NOW, updated_at=NOW, owner="王")
        s.add_all([fell, Client(name="乙", grade="A", created_at=NOW, updated_at=NOW)])
        s.flush()
        s.add(FamilyMemberRow(client_id=fell.id, name="丙", birth_remind_days=20))
    url = db.url
    db.close()  # (the child opens it alone)
    done = subprocess.run([sys.executable, "-c", CORE_CHILD, url], capture_output=True,
                          text=True, env=dict(os.environ), timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    found, loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert found == [36, 20, 1, [["甲", "B", "A"]]]
    assert loaded == []
