"""Architecture rules checked on the source: import direction and translation catalog."""

from __future__ import annotations

import ast
import json
import re
import string
from pathlib import Path

import desktop_crm
from desktop_crm.resources import resource_path

PACKAGE = Path(desktop_crm.__file__).resolve().parent
SOURCES = sorted(PACKAGE.rglob("*.py"))


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module) of every import in the file, nested ones included."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = _module_name(path)
    if path.name != "__init__.py":
        package = package.rpartition(".")[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                module = ".".join([*base, module] if module else base)
            found.append((node.lineno, module))
            # `from desktop_crm import storage` imports the sub-package
            found += [(node.lineno, f"{module}.{alias.name}") for alias in node.names
                      if module == "desktop_crm"]
    return found


def _is(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def _rel(path: Path) -> str:
    return path.relative_to(PACKAGE.parent).as_posix()


def _in(path: Path, *areas: str) -> bool:
    rel = _rel(path)
    return any(rel == a or rel.startswith(a.rstrip("/") + "/") for a in areas)


def _violations(where: tuple[str, ...], forbidden: tuple[str, ...],
                exempt: tuple[str, ...] = ()) -> list[str]:
    problems = []
    for path in SOURCES:
        if where and not _in(path, *where):
            continue
        if exempt and _in(path, *exempt):
            continue
        for line, module in _imports(path):
            if any(_is(module, f) for f in forbidden):
                problems.append(f"{_rel(path)}:{line} imports {module}")
    return problems


def test_sources_are_found() -> None:
    rels = {_rel(p) for p in SOURCES}
    assert "desktop_crm/domain/dates.py" in rels
    assert "desktop_crm/storage/database.py" in rels


def test_import_resolution() -> None:
    imports = dict((m, line) for line, m in _imports(PACKAGE / "storage" / "client_repo.py"))
    assert "desktop_crm.domain.client" in imports
    assert "sqlalchemy" in imports


def test_pyside6_only_in_the_ui_and_app() -> None:
    assert _violations((), ("PySide6", "shiboken6"),
                       exempt=("desktop_crm/ui", "desktop_crm/app.py")) == []


def test_no_sql_in_domain_or_ui() -> None:
    assert _violations(("desktop_crm/domain", "desktop_crm/ui"),
                       ("sqlalchemy", "alembic", "sqlite3")) == []


def test_domain_depends_on_nothing_above_it() -> None:
    assert _violations(("desktop_crm/domain",),
                       ("desktop_crm.storage", "desktop_crm.services", "desktop_crm.ui",
                        "desktop_crm.cli", "desktop_crm.app")) == []


def test_storage_depends_only_on_domain() -> None:
    assert _violations(("desktop_crm/storage",),
                       ("desktop_crm.services", "desktop_crm.ui", "desktop_crm.cli",
                        "desktop_crm.app")) == []


def test_services_do_not_depend_on_ui_or_cli() -> None:
    assert _violations(("desktop_crm/services",),
                       ("desktop_crm.ui", "desktop_crm.cli", "desktop_crm.app", "PySide6")) == []


# Qt classes that list folders and look at files: kept in one module, which
# never opens a file and hides the open database (a dialog that opens and
# closes clients.db, -wal or -shm drops the window's SQLite locks).
FILE_BROWSING = {"QFileDialog", "QFileSystemModel", "QFileIconProvider",
                 "QAbstractFileIconProvider"}


def _names(path: Path) -> list[tuple[int, str]]:
    """(line, identifier) of every name, attribute and imported name in the file."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Name):
            found.append((node.lineno, node.id))
        elif isinstance(node, ast.Attribute):
            found.append((node.lineno, node.attr))
        elif isinstance(node, ast.ImportFrom):
            found += [(node.lineno, alias.name) for alias in node.names]
    return found


def test_file_dialogs_only_in_file_dialogs() -> None:
    used = [f"{_rel(path)}:{line} uses {name}" for path in SOURCES
            if _rel(path) != "desktop_crm/ui/file_dialogs.py"
            for line, name in _names(path) if name in FILE_BROWSING]
    assert used == []


# -- translations ------------------------------------------------------------------

def _messages() -> dict[str, list[str]]:
    """msgid -> where it is used, for every _("...") and N_("...") literal."""
    found: dict[str, list[str]] = {}
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in ("_", "N_") and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                found.setdefault(node.args[0].value, []).append(
                    f"{_rel(path)}:{node.lineno}")
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id == "ngettext" and len(node.args) >= 2
                    and all(isinstance(a, ast.Constant) and isinstance(a.value, str)
                            for a in node.args[:2])):
                # the catalog keys the plural; the singular needs its placeholders
                singular, plural = (a.value for a in node.args[:2])  # type: ignore[attr-defined]
                found.setdefault(plural, []).append(f"{_rel(path)}:{node.lineno}")
                assert _placeholders(singular) <= _placeholders(plural) | {"n"}, singular
    return found


def _placeholders(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text)
            if name is not None}


def test_messages_are_found() -> None:
    messages = _messages()
    assert "Phone number is empty" in messages
    assert "Individual" in messages  # an N_() label


def test_every_message_has_a_chinese_translation() -> None:
    with resource_path("i18n", "zh.json").open(encoding="utf-8") as fh:
        catalog: dict[str, str] = json.load(fh)
    missing = []
    mismatched = []
    for msgid, where in sorted(_messages().items()):
        if msgid not in catalog or not catalog[msgid].strip():
            missing.append(f"{msgid!r} ({where[0]})")
        elif _placeholders(catalog[msgid]) != _placeholders(msgid):
            mismatched.append(f"{msgid!r} -> {catalog[msgid]!r}")
    assert not missing and not mismatched, (
        f"{len(missing)} missing from zh.json:\n  " + "\n  ".join(missing)
        + f"\n{len(mismatched)} with other placeholders:\n  " + "\n  ".join(mismatched)
    )


def test_every_error_class_is_a_crm_error() -> None:
    """One hierarchy: every exception class the app defines derives from
    domain.errors.CrmError (its message is for the user), so the command line
    and the window tell them from bugs by type, not by a list."""
    import importlib
    import inspect

    from desktop_crm.domain.errors import CrmError

    found = []
    for path in SOURCES:
        if _in(path, "desktop_crm/storage/migrations") or _in(path, "desktop_crm/ui") \
                or path.name == "__main__.py" or _rel(path) == "desktop_crm/app.py":
            continue
        module = importlib.import_module(_module_name(path))
        for name, cls in inspect.getmembers(module, inspect.isclass):
            # a private class (``biff._DamagedError``) is a signal caught in its module
            if (cls.__module__ == module.__name__ and issubclass(cls, BaseException)
                    and not name.startswith("_")):
                found.append(cls)
                assert issubclass(cls, CrmError), f"{cls.__module__}.{name} is not a CrmError"
    assert len(found) >= 15  # the scan sees the app's errors


# -- the search index ----------------------------------------------------------------

# where the index table may be named: its definition, the list of known tables,
# the migrations that create it and the one module that writes and queries it
FTS_OWNERS = ("desktop_crm/storage/tables.py", "desktop_crm/storage/models.py",
              "desktop_crm/storage/database.py",
              "desktop_crm/storage/migrations", "desktop_crm/storage/search_index.py")


def _fts_mentions(paths: list[Path]) -> list[tuple[Path, int]]:
    found = []
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if ((isinstance(node, ast.Constant) and isinstance(node.value, str)
                 and "client_fts" in node.value)
                    or (isinstance(node, ast.Name | ast.Attribute)
                        and (getattr(node, "id", None) or getattr(node, "attr", None))
                        == "FTS_TABLE")):
                found.append((path, node.lineno))
    return found


def test_only_the_search_index_module_touches_the_index(tmp_path: Path) -> None:
    planted = tmp_path / "desktop_crm" / "services" / "planted.py"
    planted.parent.mkdir(parents=True)
    planted.write_text('SQL = "DELETE FROM client_fts WHERE rowid = 1"\n', encoding="utf-8")
    assert _fts_mentions([planted]) == [(planted, 1)]  # the check can fail
    assert _fts_mentions([p for p in SOURCES if not _in(p, *FTS_OWNERS)]) == []


# -- SQL lives in storage ----------------------------------------------------------

# a statement: the keyword in capitals and something after it (a bare "UPDATE"
# is a name, as in the import policies)
_SQL_START = re.compile(r"\s*(SELECT|INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER|PRAGMA"
                        r"|VACUUM|ATTACH|DETACH|BEGIN|WITH)\s+\S")
# outside storage, SQLAlchemy is only the Session a service passes to a repo
_ALLOWED_SQLALCHEMY = {"sqlalchemy.orm": {"Session"}}


def _sql_outside_storage(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                and _SQL_START.match(node.value)):
            found.append(f"{node.lineno}: SQL text {node.value[:40]!r}")
        elif isinstance(node, ast.Import):
            found += [f"{node.lineno}: imports {a.name}" for a in node.names
                      if _is(a.name, "sqlalchemy")]
        elif (isinstance(node, ast.ImportFrom) and node.module
              and _is(node.module, "sqlalchemy")):
            allowed = _ALLOWED_SQLALCHEMY.get(node.module, set())
            found += [f"{node.lineno}: imports {node.module}.{a.name}" for a in node.names
                      if a.name not in allowed]
        elif isinstance(node, ast.Attribute) and node.attr in (
                "execute", "executemany", "executescript", "exec_driver_sql"):
            found.append(f"{node.lineno}: runs SQL (.{node.attr})")
    return found


def test_sql_only_in_storage(tmp_path: Path) -> None:
    planted = tmp_path / "planted.py"
    planted.write_text('from sqlalchemy import select, text\n'
                       'from sqlalchemy.orm import Session\n'
                       'Q = """\n  SELECT id FROM clients"""\n'
                       'def f(s: Session) -> None:\n    s.execute(text("PRAGMA x"))\n',
                       encoding="utf-8")
    assert len(_sql_outside_storage(planted)) == 5  # the check can fail
    problems = [f"{_rel(p)}:{problem}" for p in SOURCES if not _in(p, "desktop_crm/storage")
                for problem in _sql_outside_storage(p)]
    assert problems == []
