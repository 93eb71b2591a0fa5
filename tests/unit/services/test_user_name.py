"""Who the user is (services.clock) and that every service records the name
Services.build was given: history's "who", the evaluator, the complaint
log's author, the import batch's user."""

from __future__ import annotations

import pwd
import sys
from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from desktop_crm.domain.client import ClientCard
from desktop_crm.domain.complaint import Complaint, ComplaintCategory, ComplaintStatus
from desktop_crm.services import clock as clock_module
from desktop_crm.services.clock import account_full_name, clean_user_name, current_user
from desktop_crm.services.registry import Services
from desktop_crm.storage.database import Database
from tests.conftest import Clock

WORKED_EXAMPLE = {"sales_attainment": 80, "cooperation": "good", "late_payments": 3,
                  "information": "valuable"}


def _gecos(monkeypatch: pytest.MonkeyPatch, gecos: str) -> None:
    monkeypatch.setattr(pwd, "getpwuid", lambda uid: SimpleNamespace(pw_gecos=gecos))


@pytest.mark.skipif(sys.platform == "win32", reason="the passwd database is Unix's")
def test_full_name_is_the_first_comma_part_of_gecos(monkeypatch: pytest.MonkeyPatch) -> None:
    _gecos(monkeypatch, "王芳,Room 301,010-12345678,")
    assert account_full_name() == "王芳"
    assert current_user() == "王芳"


@pytest.mark.skipif(sys.platform == "win32", reason="the passwd database is Unix's")
def test_without_a_full_name_the_login_name_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    _gecos(monkeypatch, ",,,")
    monkeypatch.setattr(clock_module, "login_name", lambda: "wangfang")
    assert account_full_name() == ""
    assert current_user() == "wangfang"


def test_a_chosen_name_is_one_trimmed_line_of_at_most_100_characters() -> None:
    assert clean_user_name("  王\n芳  ") == "王 芳"
    assert clean_user_name(None) == ""
    assert len(clean_user_name("x" * 300)) == 100


def test_services_default_to_the_accounts_full_name(db: Database,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock_module, "account_full_name", lambda: "张伟")
    services = Services.build(db)
    assert services.user == "张伟"
    client_id = services.clients.save(ClientCard(name="王芳"))
    assert [e.user for e in services.clients.history(client_id)] == ["张伟"]
    assert Services.build(db, user="  ").user == "张伟"  # blank: the default


def test_every_service_records_the_name_given_to_build(db: Database, tmp_path: Path) -> None:
    clock = Clock(datetime(2026, 11, 2, 9, 0))
    services = Services.build(db, clock, user="李娜")
    client_id = services.clients.save(ClientCard(name="王芳", owner="李娜"))
    services.clients.delete(client_id)
    services.clients.restore(client_id)
    assert {e.user for e in services.clients.history(client_id)} == {"李娜"}
    evaluation = services.evaluations.evaluate_client(client_id, WORKED_EXAMPLE)
    assert evaluation.evaluator == "李娜"
    assert services.evaluations.history(client_id)[0].evaluator == "李娜"
    complaint = services.complaints.register(Complaint(
        client_id=client_id, received_at=clock(), words="收到的货有破损",
        category=ComplaintCategory.PACKAGING))
    assert complaint.id is not None
    logged = services.complaints.add_log(complaint.id, "已电话致歉")
    assert [entry.author for entry in logged.log] == ["李娜"]
    services.set_user("张伟")  # a colleague takes it over
    moved = services.complaints.transition(complaint.id, ComplaintStatus.IN_PROGRESS)
    assert [(c.new, c.user) for c in moved.history] == [
        (ComplaintStatus.NEW, "李娜"), (ComplaintStatus.IN_PROGRESS, "张伟")]
    services.set_user("李娜")
    csv = tmp_path / "clients.csv"
    csv.write_text("客户名称,手机\n赵磊,13800138000\n", encoding="utf-8")
    importer = services.importer(backup_first=False)
    source = importer.open(csv)
    result = importer.commit(source, source.suggested_mapping, "skip")
    batch = next(b for b in importer.batches() if b.id == result.batch_id)
    assert batch.user == "李娜"


def test_a_new_name_applies_to_the_next_write(db: Database) -> None:
    services = Services.build(db, user="李娜")
    client_id = services.clients.save(ClientCard(name="王芳"))
    assert services.set_user("张伟") == "张伟"
    services.clients.save(ClientCard(**{**services.clients.get(client_id).__dict__,
                                        "title": "总监"}))
    assert {e.field: e.user for e in services.clients.history(client_id)} == {
        "created": "李娜", "title": "张伟"}
    assert services.evaluations.user == services.complaints.user == "张伟"
    assert services.agenda.user == "张伟"
    assert services.evaluations.evaluate_client(
        client_id, WORKED_EXAMPLE, evaluated_on=date(2026, 11, 2)).evaluator == "张伟"


def test_a_complaint_follow_up_marked_done_records_who(db: Database) -> None:
    clock = Clock(datetime(2026, 11, 2, 9, 0))
    services = Services.build(db, clock, user="李娜")
    client_id = services.clients.save(ClientCard(name="王芳"))
    complaint = services.complaints.register(Complaint(
        client_id=client_id, received_at=clock(), words="收到的货有破损",
        category=ComplaintCategory.PACKAGING))
    assert complaint.id is not None
    services.complaints.transition(complaint.id, ComplaintStatus.IN_PROGRESS)
    services.complaints.transition(complaint.id, ComplaintStatus.RESOLVED)
    services.set_user("张伟")
    item = next(i for i in services.agenda.agenda(10) if i.ref == complaint.id
                and i.source == "complaint")
    services.agenda.mark_done(item, "回访：客户满意", satisfaction=5)
    last = services.complaints.get(complaint.id).history[-1]
    assert (last.new, last.user) == (ComplaintStatus.FOLLOWED_UP, "张伟")
