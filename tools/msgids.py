"""List the translatable message ids in desktop_crm: every string literal passed
as the first argument to _(...) or N_(...), plus the ui label tables.

Usage: python tools/msgids.py [--missing]   (--missing: only those without a
Chinese entry in resources/i18n/zh.json)
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def msgids(package: Path = ROOT / "desktop_crm") -> dict[str, str]:
    """msgid -> first file:line where it appears."""
    found: dict[str, str] = {}
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in ("_", "N_") and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                found.setdefault(node.args[0].value, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def main() -> None:
    catalog = json.loads((ROOT / "resources/i18n/zh.json").read_text(encoding="utf-8"))
    for msgid, where in msgids().items():
        if "--missing" in sys.argv and msgid in catalog:
            continue
        print(json.dumps(msgid, ensure_ascii=False), "  #", where)


if __name__ == "__main__":
    main()
