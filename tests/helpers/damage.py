"""Damage written into a test database behind SQLite's back."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def orphan_phone(path: Path) -> None:
    """A phone of a client that does not exist, written with foreign keys off:
    damage the window's reads do not meet, which the integrity check finds."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("INSERT INTO client_phones (client_id, position, kind, number, digits) "
                     "VALUES (999999, 0, 'mobile', '13800000000', '13800000000')")
        conn.commit()
    finally:
        conn.close()
