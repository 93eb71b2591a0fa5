"""Alembic environment: runs on the connection handed in by Database.migrate()."""

from alembic import context

from desktop_crm.storage.models import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only for `alembic` run by hand
    from sqlalchemy import create_engine

    url = context.config.get_main_option("sqlalchemy.url") or "sqlite:///dev.db"
    connection = create_engine(url).connect()



def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Leave the FTS5 index (a virtual table and its shadow tables) to the revisions
    that create it by hand: autogenerate cannot describe it and would drop it."""
    return not (type_ == "table" and name is not None and name.startswith("client_fts"))


context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite needs batch mode to alter tables
    include_name=include_name,
)
with context.begin_transaction():
    context.run_migrations()
