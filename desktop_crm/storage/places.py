"""Where the database lives by default: known before SQLAlchemy is loaded
(the window of a start paints itself first, then opens the database)."""

from __future__ import annotations

from pathlib import Path


def default_db_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("desktop-crm", appauthor=False)) / "clients.db"
