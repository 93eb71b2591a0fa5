"""The one-folder bundle (build.spec, ``make bundle``): built once into a
temporary folder, then the built programs are run as a user runs them.

The build takes about a minute, so the whole module shares one build (a
module-scoped fixture: with ``--dist loadfile`` one worker builds it) and is
marked slow (``make test`` runs it, ``make test-fast`` does not). Skipped, with
the reason printed, only where PyInstaller is not installed.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from desktop_crm.services.backup import backup_dir
from tests.conftest import TESTDATA

ROOT = Path(__file__).resolve().parents[2]
CARDS = ROOT / "tests" / "data" / "cards"
pytestmark = pytest.mark.slow

# What the offscreen platform always says (pyproject's qt_log_ignore).
OFFSCREEN_NOTE = "This plugin does not support propagateSizeHints()"


@dataclass(frozen=True)
class Bundle:
    folder: Path  # dist/desktop-crm: the two programs and _internal/
    home: Path  # the user's home and config folders while the programs run

    @property
    def internal(self) -> Path:
        return self.folder / "_internal"

    def env(self, **extra: str) -> dict[str, str]:
        """A user of their own: settings, data and the default database under
        ``home``, never the account running the tests."""
        env = {key: value for key, value in os.environ.items()
               if not key.startswith(("QT_", "XDG_", "PYTHON"))}
        env.update(HOME=str(self.home), XDG_CONFIG_HOME=str(self.home / "config"),
                   XDG_DATA_HOME=str(self.home / "data"), XDG_CACHE_HOME=str(self.home / "cache"),
                   XDG_RUNTIME_DIR=str(self.home / "run"), DESKTOP_CRM_USER="tester",
                   LANG="C.UTF-8", **extra)
        return env

    def cli(self, *args: str | Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(self.folder / "desktop-crm-cli"), *map(str, args)],
                              capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL, env=self.env(), cwd=self.home)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bundle]:
    if importlib.util.find_spec("PyInstaller") is None:
        reason = "PyInstaller is not installed (pip install -e '.[bundle]')"
        print(f"\ntests/bundle skipped: {reason}")
        pytest.skip(reason)
    work = tmp_path_factory.mktemp("bundle")
    built = subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
         "--distpath", str(work / "dist"), "--workpath", str(work / "build"),
         str(ROOT / "build.spec")],
        capture_output=True, text=True, cwd=work, timeout=1800)
    assert built.returncode == 0, built.stderr[-4000:]
    home = work / "home"
    (home / "run").mkdir(parents=True, mode=0o700)
    yield Bundle(work / "dist" / "desktop-crm", home)


def _backups(db: Path, reason: str) -> list[Path]:
    folder = backup_dir(db)
    return sorted(folder.glob(f"*-{reason}.db")) if folder.is_dir() else []


def _quiet(stderr: str) -> str:
    """Standard error less the offscreen platform's own note."""
    return "\n".join(line for line in stderr.splitlines() if line != OFFSCREEN_NOTE)


def test_both_programs_are_in_one_folder(bundle: Bundle) -> None:
    for name in ("desktop-crm", "desktop-crm-cli"):
        program = bundle.folder / name
        assert program.is_file() and os.access(program, os.X_OK)
    done = bundle.cli("--version")
    assert (done.returncode, done.stdout, done.stderr) == (0, "desktop-crm 0.1.0\n", "")


def test_the_bundle_holds_the_data_files(bundle: Bundle) -> None:
    inside = bundle.internal
    for part in ("icons/desktop-crm-256.png", "icons/desktop-crm.svg", "i18n/zh.json",
                 "profile/mackay66.json", "demo/tables.json"):
        copy = (inside / "resources" / part).read_bytes()
        assert copy == (ROOT / "resources" / part).read_bytes()
    # Qt's own Chinese texts (standard buttons, file dialogs), which the
    # window loads from Qt's translations folder
    assert (inside / "PySide6" / "Qt" / "translations" / "qtbase_zh_CN.qm").stat().st_size > 0
    migrations = ROOT / "desktop_crm" / "storage" / "migrations"
    revisions = sorted(path.name for path in (migrations / "versions").glob("*.py"))
    assert len(revisions) > 10
    bundled = inside / "desktop_crm" / "storage" / "migrations"
    assert sorted(path.name for path in (bundled / "versions").glob("*.py")) == revisions
    assert (bundled / "env.py").is_file() and (bundled / "script.py.mako").is_file()
    assert not list(bundled.rglob("__pycache__"))
    # RapidOCR's detection, classification and recognition models
    models = {path.name for path in (inside / "rapidocr_onnxruntime").rglob("*.onnx")}
    assert len(models) >= 3


def test_what_the_app_never_uses_is_left_out(bundle: Bundle) -> None:
    inside = bundle.internal
    qt = inside / "PySide6" / "Qt"
    assert [path.name for path in (qt / "translations").iterdir()] == ["qtbase_zh_CN.qm"]
    plugins = {f"{path.parent.name}/{path.name}" for path in (qt / "plugins").rglob("*.so")}
    assert {"platforms/libqxcb.so", "platforms/libqwayland.so", "platforms/libqoffscreen.so",
            "platforminputcontexts/libibusplatforminputcontextplugin.so",
            "imageformats/libqjpeg.so", "printsupport/libcupsprintersupport.so"} <= plugins
    assert not {name for name in plugins if name.startswith(
        ("egldeviceintegrations/", "generic/", "networkinformation/", "tls/",
         "platformthemes/libqgtk3", "platforms/libqvnc", "platforms/libqeglfs"))}
    # with the GTK theme went the build machine's GTK libraries
    assert not list(inside.glob("libgtk-3.so*")) and not list(inside.glob("libgdk-3.so*"))
    assert not (inside / "cv2" / "qt").exists()
    assert not list((inside / "opencv_python.libs").glob("libQt5XcbQpa*"))
    assert not (inside / "PySide6" / "QtNetwork.abi3.so").exists()
    assert not (inside / "pandas").exists()


def test_demo_stats_import_and_export(bundle: Bundle, tmp_path: Path) -> None:
    db = tmp_path / "book.db"
    made = bundle.cli("demo", "--clients", "40", "--seed", "3", "--db", db)
    assert made.returncode == 0, made.stderr
    stats = bundle.cli("stats", "--json", "--db", db)
    assert stats.returncode == 0, stats.stderr
    assert json.loads(stats.stdout)["clients"] == 40

    imported = bundle.cli("import", TESTDATA / "xlsx" / "calamine_issue444.xls", "--db", db)
    assert imported.returncode == 0, imported.stderr
    contacts = bundle.cli("import", TESTDATA / "vcf" / "ezvcard_John_Doe_ANDROID.vcf", "--db", db)
    assert contacts.returncode == 0, contacts.stderr
    after = json.loads(bundle.cli("stats", "--json", "--db", db).stdout)["clients"]
    assert after > 40

    workbook, cards, calendar = tmp_path / "book.xlsx", tmp_path / "book.vcf", tmp_path / "b.ics"
    for fmt, out in (("xlsx", workbook), ("vcf", cards), ("ics", calendar)):
        done = bundle.cli("export", fmt, out, "--db", db)
        assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(workbook) as book:
        assert book.testzip() is None and "xl/workbook.xml" in book.namelist()
    assert cards.read_text(encoding="utf-8").count("BEGIN:VCARD") == after
    assert calendar.read_bytes().startswith(b"BEGIN:VCALENDAR")

    refused = bundle.cli("import", tmp_path / "missing.csv", "--db", db)
    assert refused.returncode == 2 and len(refused.stderr.splitlines()) == 1
    assert "Traceback" not in refused.stderr


def _children_while_running(process: subprocess.Popen[str]) -> set[str]:
    """The ids of the processes ``process`` started while it ran (Linux)."""
    seen: set[str] = set()
    deadline = time.monotonic() + 120
    while process.poll() is None and time.monotonic() < deadline:
        for task in Path(f"/proc/{process.pid}/task").glob("*/children"):
            with contextlib.suppress(OSError):  # a thread that ended meanwhile
                seen.update(task.read_text(encoding="ascii").split())
        time.sleep(0.005)
    return seen


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads /proc")
def test_a_workbook_split_over_two_processes(bundle: Bundle, tmp_path: Path) -> None:
    """The export's helper process starts from the frozen program (spawned,
    ``freeze_support`` in ``__main__``) and the workbook is the one a single
    process writes, part for part (the times of the export aside: the
    package's creation and the Summary's first line)."""
    db = tmp_path / "book.db"
    assert bundle.cli("demo", "--clients", "40", "--seed", "3", "--db", db).returncode == 0
    books, helpers = {}, {}
    for threshold in ("0", "1000000"):
        books[threshold] = out = tmp_path / f"book-{threshold}.xlsx"
        running = subprocess.Popen(
            [str(bundle.folder / "desktop-crm-cli"), "export", "xlsx", str(out), "--db", str(db)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL,
            env=bundle.env(DESKTOP_CRM_EXPORT_SPLIT_FROM=threshold), cwd=bundle.home)
        helpers[threshold] = _children_while_running(running)
        _out, err = running.communicate(timeout=120)
        assert running.returncode == 0, err
    assert helpers["0"] and not helpers["1000000"]
    with zipfile.ZipFile(books["0"]) as split, zipfile.ZipFile(books["1000000"]) as single:
        assert split.namelist() == single.namelist()
        for name in single.namelist():
            if name not in ("docProps/core.xml", "xl/worksheets/sheet1.xml"):
                assert split.read(name) == single.read(name), name
        assert b"<row r=\"2\"" in split.read("xl/worksheets/sheet4.xml")  # the helper's Sales


def test_business_card_scan(bundle: Bundle, tmp_path: Path) -> None:
    """Reading a card proves that RapidOCR, ONNX Runtime, OpenCV and the
    models are all inside and load."""
    expected = json.loads((CARDS / "cards.json").read_text(encoding="utf-8"))[0]
    db = tmp_path / "cards.db"
    assert bundle.cli("demo", "--clients", "5", "--db", db).returncode == 0
    scanned = bundle.cli("card-scan", "--json", "--db", db, CARDS / expected["file"])
    assert scanned.returncode == 0, scanned.stderr
    fields = json.loads(scanned.stdout)["fields"]
    for key in ("name", "company", "emails", "website"):
        assert fields[key] == expected["fields"][key]


def test_the_window_runs_offscreen(bundle: Bundle, tmp_path: Path) -> None:
    """The window shows, makes its daily backup, and quits on SIGTERM (as on
    File > Quit: exit code 0 and the exit backup), with nothing on stderr:
    no traceback, no Qt warning (a missing plugin or library)."""
    db = tmp_path / "window.db"
    assert bundle.cli("demo", "--clients", "20", "--db", db).returncode == 0
    window = subprocess.Popen(
        [str(bundle.folder / "desktop-crm"), "--db", str(db), "--lang", "zh"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL,
        env=bundle.env(QT_QPA_PLATFORM="offscreen"), cwd=bundle.home)
    try:
        deadline = time.monotonic() + 180  # a few seconds after the window shows
        while not _backups(db, "daily") and window.poll() is None \
                and time.monotonic() < deadline:
            time.sleep(0.2)
        assert window.poll() is None and _backups(db, "daily")
        window.send_signal(signal.SIGTERM)
        out, err = window.communicate(timeout=120)
    finally:
        if window.poll() is None:
            window.kill()
            window.communicate()
    assert window.returncode == 0, err
    assert (out, _quiet(err)) == ("", "")
    assert len(_backups(db, "exit")) == 1
