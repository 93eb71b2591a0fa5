"""Portability rules checked on the source, so that code written and tested
on Linux keeps working on Windows and macOS:

- a text file is opened with an explicit ``encoding=`` (without one Python
  uses the locale's: cp936 or cp1252 on Windows, so a Chinese name written
  there reads back wrong elsewhere);
- ``os.open`` is called only through ``storage/portable_files.py``, which
  adds ``O_BINARY`` (without it Windows turns every LF byte written into
  CR LF), except where nothing is written through the descriptor;
- modules that exist on one family of systems only (``fcntl``, ``pwd``,
  ``grp``, ``termios``, ``resource``; ``msvcrt``, ``winreg``) are imported
  only inside a function or a ``try``, and POSIX-only calls (``chmod``,
  ``fchmod``, ``getuid``, ``fork``, ``kill``, ``signal``) run only behind an
  ``os.name``/``sys.platform`` test or a ``try``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import desktop_crm

PACKAGE = Path(desktop_crm.__file__).resolve().parent
SOURCES = sorted(PACKAGE.rglob("*.py"))

# os.open outside portable_files: descriptors nothing is written through
OS_OPEN_ALLOWED = {
    "desktop_crm/storage/snapshot.py": "a folder, opened to sync it (POSIX only)",
    "desktop_crm/cli.py": "os.devnull, to silence stdout after a broken pipe",
}
ONE_SYSTEM_MODULES = {"fcntl", "pwd", "grp", "termios", "resource", "msvcrt", "winreg", "_winapi"}
POSIX_CALLS = {("os", "chmod"), ("os", "fchmod"), ("os", "getuid"), ("os", "geteuid"),
               ("os", "fork"), ("os", "kill"), ("os", "killpg"), ("os", "setsid"),
               ("os", "chown"), ("signal", "signal")}
PLATFORM_WORDS = ("os.name", "sys.platform", "platform ==", "self.platform")


def _rel(path: Path) -> str:
    return path.relative_to(PACKAGE.parent).as_posix()


def _trees() -> list[tuple[str, str, ast.Module]]:
    found = []
    for path in SOURCES:
        if "migrations/versions" in _rel(path):
            continue
        text = path.read_text(encoding="utf-8")
        found.append((_rel(path), text, ast.parse(text, filename=str(path))))
    return found


def _parents(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    return {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def _literal_mode(call: ast.Call, position: int) -> str | None:
    """The mode argument when it is a string literal; "r" when absent."""
    mode: ast.expr | None = None
    if len(call.args) > position:
        mode = call.args[position]
    for keyword in call.keywords:
        if keyword.arg == "mode":
            mode = keyword.value
    if mode is None:
        return "r"
    if isinstance(mode, ast.Constant) and isinstance(mode.value, str):
        return mode.value
    return None  # computed: not judged here


def test_every_text_file_is_opened_with_an_encoding() -> None:
    missing = []
    for rel, _text, tree in _trees():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            keywords = {k.arg for k in node.keywords}
            func = node.func
            text_mode = False
            if isinstance(func, ast.Name) and func.id == "open":
                mode = _literal_mode(node, 1)
                text_mode = mode is not None and "b" not in mode
            elif isinstance(func, ast.Attribute) and func.attr in ("read_text", "write_text"):
                text_mode = True
            elif isinstance(func, ast.Attribute) and func.attr == "open" and node.args \
                    and isinstance(node.args[0], ast.Constant) \
                    and isinstance(node.args[0].value, str) \
                    and set(node.args[0].value) <= set("rwax+t"):
                text_mode = True  # Path.open("w")
            elif isinstance(func, ast.Attribute) and func.attr == "TextIOWrapper":
                text_mode = True
            if text_mode and "encoding" not in keywords:
                missing.append(f"{rel}:{node.lineno}")
    assert missing == []


def test_os_open_goes_through_portable_files() -> None:
    found = []
    for rel, _text, tree in _trees():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr == "open" and isinstance(node.func.value, ast.Name) \
                    and node.func.value.id == "os":
                found.append(rel)
    outside = {rel for rel in found if rel != "desktop_crm/storage/portable_files.py"}
    assert outside <= set(OS_OPEN_ALLOWED), outside - set(OS_OPEN_ALLOWED)
    assert "desktop_crm/storage/portable_files.py" in found


def _guarded(node: ast.AST, parents: dict[ast.AST, ast.AST], text: str) -> bool:
    """Inside a try, or an if/while/conditional expression about the platform,
    or a function that returns early on such a test before ``node``."""
    current = node
    while current in parents:
        parent = parents[current]
        if isinstance(parent, ast.Try) and current in parent.body:
            return True
        if isinstance(parent, ast.If | ast.IfExp | ast.While) \
                and any(w in (ast.get_source_segment(text, parent.test) or "")
                        for w in PLATFORM_WORDS):
            return True
        if isinstance(parent, ast.FunctionDef):
            for statement in parent.body:
                if getattr(statement, "lineno", 0) >= getattr(node, "lineno", 0):
                    break
                if isinstance(statement, ast.If) and any(
                        w in (ast.get_source_segment(text, statement.test) or "")
                        for w in PLATFORM_WORDS) and any(
                        isinstance(s, ast.Return) for s in statement.body):
                    return True
        current = parent
    return False


def test_one_system_modules_and_posix_calls_are_guarded() -> None:
    unguarded = []
    for rel, text, tree in _trees():
        parents = _parents(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) \
                    else [node.module or ""]
                if any(n.split(".")[0] in ONE_SYSTEM_MODULES for n in names) \
                        and not _guarded(node, parents, text):
                    unguarded.append(f"{rel}:{node.lineno}")
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and isinstance(node.func.value, ast.Name) \
                    and (node.func.value.id, node.func.attr) in POSIX_CALLS \
                    and not _guarded(node, parents, text):
                unguarded.append(f"{rel}:{node.lineno}")
    assert unguarded == []


def test_the_rules_catch_what_they_are_for(tmp_path: Path) -> None:
    """The checks above find the mistakes they look for."""
    text = ("import fcntl\nimport os\n\ndef f(p):\n    os.chmod(p, 0o600)\n"
            "    return open(p, 'w'), p.read_text()\n")
    tree = ast.parse(text)
    parents = _parents(tree)
    imports = [n for n in ast.walk(tree) if isinstance(n, ast.Import)]
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
    assert not _guarded(imports[0], parents, text)
    chmod = next(c for c in calls if isinstance(c.func, ast.Attribute) and c.func.attr == "chmod")
    assert not _guarded(chmod, parents, text)
    guarded = "import os\nif os.name == 'posix':\n    os.chmod('x', 0o600)\n"
    tree = ast.parse(guarded)
    chmod = next(n for n in ast.walk(tree) if isinstance(n, ast.Call))
    assert _guarded(chmod, _parents(tree), guarded)
    opened = next(c for c in calls if isinstance(c.func, ast.Name) and c.func.id == "open")
    assert _literal_mode(opened, 1) == "w"
