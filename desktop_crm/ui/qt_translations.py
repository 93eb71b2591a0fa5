"""Qt's own texts (standard buttons such as Cancel and Show Details..., the
file dialogs, the context menus of text fields) in the app's language, from
the translations that ship with Qt."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QTranslator

# The app's language code -> Qt's catalog suffix.
QT_LOCALES = {"zh": "zh_CN"}
_installed: list[QTranslator] = []


def install_qt_translations(lang: str) -> bool:
    """Use Qt's catalog for ``lang`` (English needs none); returns whether one
    was loaded. Replaces the catalog installed before."""
    app = QCoreApplication.instance()
    if app is None:
        return False
    while _installed:
        QCoreApplication.removeTranslator(_installed.pop())
    locale = QT_LOCALES.get(lang)
    if locale is None:
        return False
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not translator.load(f"qtbase_{locale}", folder):
        return False
    QCoreApplication.installTranslator(translator)
    _installed.append(translator)
    return True
