"""The OCR engine: RapidOCR (PP-OCRv4 models on ONNX Runtime), loaded once.

The models ship inside the `rapidocr-onnxruntime` wheel, so reading a card
needs no network and no download, ever. Loading takes a few seconds and
about 100 MB, so it happens on the first scan, once per process, behind a
lock (a scan runs on a worker thread). Why this engine and not Tesseract:
README, "Business cards"; the figures come from `benchmarks/card_scan.py`.
"""

from __future__ import annotations

import math
import os
import threading
from typing import Any

from PIL import Image

from desktop_crm.domain.business_card import OcrLine

__all__ = ["engine_loaded", "load", "read_lines"]

_lock = threading.Lock()
_engine: Any = None
# The Linux `opencv-python` wheel (which rapidocr-onnxruntime asks for) points
# these at its own Qt 5 plugins and fonts on import; the window's Qt 6 and any
# program we start must not inherit them.
_QT_VARIABLES = ("QT_QPA_PLATFORM_PLUGIN_PATH", "QT_QPA_FONTDIR")


def _import_engine() -> Any:
    saved = {name: os.environ.get(name) for name in _QT_VARIABLES}
    try:
        import cv2  # noqa: F401  (imported here so its side effects are undone below)
        from rapidocr_onnxruntime import RapidOCR
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return RapidOCR


def load() -> Any:
    """The engine, loaded on first use (a few seconds)."""
    global _engine
    with _lock:
        if _engine is None:
            rapid_ocr = _import_engine()
            _engine = rapid_ocr(print_verbose=False)
        return _engine


def engine_loaded() -> bool:
    return _engine is not None


def _box(points: Any) -> tuple[float, float, float, float]:
    """(left, top, width, height) of a text quadrilateral. Width and height
    follow its edges, so a turned line keeps the height of its letters."""
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = (tuple(map(float, p)) for p in points)
    width = (math.dist((x0, y0), (x1, y1)) + math.dist((x3, y3), (x2, y2))) / 2
    height = (math.dist((x0, y0), (x3, y3)) + math.dist((x1, y1), (x2, y2))) / 2
    return (min(x0, x3), min(y0, y1), width, height)


def read_lines(image: Image.Image) -> tuple[OcrLine, ...]:
    """The text lines on the upright image, top to bottom."""
    engine = load()
    with _lock:  # one ONNX session serves one call at a time
        result, _elapsed = engine(image)
    lines = []
    for points, text, score in result or ():
        text = str(text).strip()
        if text:
            lines.append(OcrLine(text=text, box=_box(points), score=float(score)))
    return tuple(lines)
