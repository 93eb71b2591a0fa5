"""Upgrading a database made by an earlier revision keeps every row and the
search index, and adds the new columns empty."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine

from desktop_crm.services.clients import ClientService
from desktop_crm.storage.database import HEAD_REVISION, MIGRATIONS_DIR, Database


def _build_at(path: Path, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
    engine.dispose()


def test_baseline_database_with_data_in_every_table_upgrades_to_head(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _build_at(path, "20261124_01")
    now = datetime(2025, 6, 1, 10, 0).isoformat(" ")
    with sqlite3.connect(path) as conn:
        conn.execute(
            "INSERT INTO clients (id, kind, name, sort_key, gender, title, company, "
            "primary_phone, email, wechat, address, home_address, industry, source, owner, "
            "notes, legal_representative, scale, assets, org_form, profile_filled_by, "
            "created_at, updated_at) VALUES (1, 'person', '曾国方', 'zeng guo fang', 'male', "
            "'经理', '华为', '13800138000', 'z@example.com', 'zgf', '北京', '', 'IT', '展会', "
            "'王磊', '老客户', '', '', '', '', '王磊', ?, ?)", (now, now))
        conn.execute("INSERT INTO client_phones (client_id, position, kind, number, digits) "
                     "VALUES (1, 0, 'mobile', '13800138000', '13800138000')")
        conn.execute("INSERT INTO tags (id, name) VALUES (1, 'VIP')")
        conn.execute("INSERT INTO client_tags (client_id, tag_id) VALUES (1, 1)")
        conn.execute("INSERT INTO important_dates (client_id, kind, label, calendar, month, "
                     "day, year, leap) VALUES (1, 'birthday', '', 'lunar', 8, 15, 1980, 0)")
        conn.execute("INSERT INTO family_members (client_id, relation, name, notes, "
                     "birth_calendar, birth_month, birth_day, birth_year, birth_leap) "
                     "VALUES (1, '妻子', '李娜', '', 'solar', 3, 8, NULL, 0)")
        conn.execute("INSERT INTO profile_answers (client_id, question, answer, private, "
                     "updated_at) VALUES (1, 45, '清蒸鱼', 1, ?)", (now,))
        conn.execute("INSERT INTO interactions (client_id, occurred_at, channel, summary, "
                     "next_step, follow_up_done, created_at) VALUES (1, ?, 'visit', '拜访', "
                     "'', 0, ?)", (now, now))
        conn.execute("INSERT INTO change_log (client_id, changed_at, user, field, old_value, "
                     "new_value) VALUES (1, ?, '王磊', 'created', '', '曾国方')", (now,))
        conn.execute("INSERT INTO client_fts (rowid, body) VALUES (1, '曾 国 方 zengguofang "
                     "zgf 13800138000')")
    conn.close()

    db = Database.open(path)
    try:
        assert db.current_revision() == HEAD_REVISION
        service = ClientService(db)
        card = service.get(1)
        assert (card.name, card.company, card.tags) == ("曾国方", "华为", ["VIP"])
        assert card.birthday is not None and card.birthday.is_lunar
        assert [(m.relation, m.name) for m in card.family] == [("妻子", "李娜")]
        assert card.profile == {45: "清蒸鱼"} and card.profile_private == {45}
        assert [i.summary for i in service.interactions(1)] == ["拜访"]
        assert [h.field for h in service.history(1)] == ["created"]
        assert [r.id for r in service.search("zgf")] == [1]
        row = service.rows([1])[0]
        assert (row.grade, row.previous_grade, row.last_evaluated_on) == (None, None, None)
    finally:
        db.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.close()
