"""The OCR engine (RapidOCR, which imports OpenCV's cv2) in the window's
process: Qt keeps its own plugins and fonts, no Qt warning appears (pytest-qt
fails the test on one), and the variables the Linux opencv-python wheel sets
on import never reach Qt or the programs the app starts."""

from __future__ import annotations

import os
import subprocess
import sys
import types
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel

from desktop_crm.services import card_scan, ocr_engine
from tests.helpers import card_render

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_the_engine_reads_a_card_beside_a_shown_window(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    before = {k: v for k, v in os.environ.items() if k.startswith("QT_")}
    label = QLabel("名片识别 Business card")
    qtbot.addWidget(label)
    label.show()
    qtbot.waitExposed(label)
    path = tmp_path / "card.png"
    spec = next(s for s in card_render.card_set() if s.key == "en4")
    card_render.save(spec, path)
    lines = card_scan.scan_card(path).lines
    assert any(line.text == "Sarah Liu" for line in lines)
    after_label = QLabel("张伟 13800138000")
    qtbot.addWidget(after_label)
    after_label.show()
    qtbot.waitExposed(after_label)
    assert {k: v for k, v in os.environ.items() if k.startswith("QT_")} == before


def test_opencv_qt_variables_are_undone(monkeypatch: pytest.MonkeyPatch) -> None:
    """opencv-python (not -headless) points Qt at its own Qt 5 plugins and fonts
    when imported; the engine's import puts the variables back as they were."""

    class Polluting(types.ModuleType):
        def __getattr__(self, name: str) -> object:
            os.environ["QT_QPA_PLATFORM_PLUGIN_PATH"] = "/opencv/qt/plugins"
            os.environ["QT_QPA_FONTDIR"] = "/opencv/qt/fonts"
            return lambda **_: object()

    monkeypatch.setitem(sys.modules, "rapidocr_onnxruntime", Polluting("rapidocr_onnxruntime"))
    monkeypatch.delenv("QT_QPA_PLATFORM_PLUGIN_PATH", raising=False)
    monkeypatch.setenv("QT_QPA_FONTDIR", "/usr/share/fonts")
    ocr_engine._import_engine()
    assert "QT_QPA_PLATFORM_PLUGIN_PATH" not in os.environ
    assert os.environ["QT_QPA_FONTDIR"] == "/usr/share/fonts"


@pytest.mark.parametrize("order", ["cv2 first", "Qt first"])
def test_cv2_and_pyside6_in_one_process_print_nothing(order: str) -> None:
    child = """
import sys
if sys.argv[1] == "cv2 first":
    import cv2
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
import cv2
label = QLabel("名片 card")
label.show()
app.processEvents()
print("ok", cv2.__version__)
"""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", child, order], capture_output=True, text=True,
                          timeout=120, env=env, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ok ")
    # no Qt warning, no "could not load the Qt platform plugin"
    assert done.stderr.strip() == ""
