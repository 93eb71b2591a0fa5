"""The reads the window's start makes before Today is filled (the database's
UUID for "Mine / Everyone", the longest reminder, the recent grade changes
and their clients' rows) name the tables' own columns: a statement naming a
mapped class configures every mapper first (about 25 ms of CPU), which
Today would wait for (storage/models.py, ``Base``). Each check runs in a
fresh interpreter, where nothing has configured them yet."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, datetime

from desktop_crm.storage.database import Database
from desktop_crm.storage.models import Client, ImportantDateRow

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
