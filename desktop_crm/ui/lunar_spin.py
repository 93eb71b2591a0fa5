"""Month and day spin boxes that, for a lunar date in Chinese, show the
traditional names (正月, 闰四月, 腊月; 初一, 十五, 廿三) instead of "8 月" /
"15 日"; otherwise they are plain number boxes with their suffix."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QSpinBox, QWidget

from desktop_crm.domain.dates import (
    lunar_day_name,
    lunar_day_number,
    lunar_month_name,
    lunar_month_number,
)


class LunarSpinBox(QSpinBox):
    """A month (``month=True``) or day spin box with a lunar Chinese mode."""

    def __init__(self, parent: QWidget | None = None, *, month: bool) -> None:
        super().__init__(parent)
        self._month = month
        self._lunar = False
        self._leap = False
        self._suffix = ""

    def set_lunar(self, lunar: bool, leap: bool = False) -> None:
        """Show traditional lunar names (no suffix) while ``lunar``; ``leap``
        marks the month as a leap month (闰四月)."""
        if (lunar, leap) == (self._lunar, self._leap):
            return
        self._lunar, self._leap = lunar, leap
        super().setSuffix("" if lunar else self._suffix)
        self.lineEdit().setText(self.textFromValue(self.value()))
        self.updateGeometry()

    def is_lunar(self) -> bool:
        return self._lunar

    def setSuffix(self, suffix: str) -> None:
        """Override QSpinBox::setSuffix: kept for the number mode only."""
        self._suffix = suffix
        super().setSuffix("" if self._lunar else suffix)

    def _name(self) -> Callable[[int], str]:
        return ((lambda v: lunar_month_name(v, self._leap)) if self._month
                else lunar_day_name)

    def textFromValue(self, value: int) -> str:
        """Override QSpinBox::textFromValue."""
        if self._lunar and self.minimum() <= value <= 30:
            return self._name()(min(value, 12) if self._month else value)
        return super().textFromValue(value)

    def valueFromText(self, text: str) -> int:
        """Override QSpinBox::valueFromText: 八月, 十五, or digits."""
        if self._lunar:
            parsed = (lunar_month_number if self._month else lunar_day_number)(text)
            return parsed if parsed is not None else self.value()
        return super().valueFromText(text)

    def validate(self, text: str, pos: int) -> object:
        """Override QSpinBox::validate: the lunar names are acceptable text."""
        if self._lunar:
            parsed = (lunar_month_number if self._month else lunar_day_number)(text)
            if parsed is not None and self.minimum() <= parsed <= self.maximum():
                return QValidator.State.Acceptable, text, pos
            return QValidator.State.Intermediate, text, pos
        return super().validate(text, pos)

    def sizeHint(self):  # type: ignore[no-untyped-def]
        """Override QWidget::sizeHint: room for the widest name (闰十二月)."""
        hint = super().sizeHint()
        if self._lunar:
            extra = self.fontMetrics().horizontalAdvance("闰冬月" if self._month else "廿九")
            hint.setWidth(max(hint.width(), extra + 40))
        return hint
