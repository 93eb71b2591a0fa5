"""Today (今日): grade changes from recent evaluations. Birthdays, follow-ups and
complaint deadlines join this tab with the care calendar and complaint log."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from desktop_crm.domain.client import ClientRow
from desktop_crm.domain.evaluation import GradeChange
from desktop_crm.domain.scoring import grade_title
from desktop_crm.i18n import _
from desktop_crm.services.evaluations import EvaluationService

RECENT_DAYS = 30
SHOWN = 100  # newest first; the rest are one tab away


class TodayTab(QWidget):
    """Lists what changed and needs a look; double-click opens the client.

    Signals:
        open_client: the user wants to see a client's card (argument: id).
        count_changed: the number of items changed (argument: count).
    """

    open_client = Signal(int)
    count_changed = Signal(int)

    def __init__(self, evaluations: EvaluationService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._evaluations = evaluations
        self.heading = QLabel(self)
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        self.changes = QListWidget(self)
        self.changes.setAlternatingRowColors(True)
        self.empty = QLabel(self)
        self.empty.setWordWrap(True)
        self.more = QLabel(self)
        self.later = QLabel(self)
        self.later.setWordWrap(True)
        self.later.setStyleSheet("color: palette(mid);")
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.empty)
        layout.addWidget(self.changes, 1)
        layout.addWidget(self.more)
        layout.addWidget(self.later)
        self.changes.itemActivated.connect(self._activate)
        self._rows: list[ClientRow] = []
        self._total = 0
        self.retranslate()
        self.refresh()

    def retranslate(self) -> None:
        self.heading.setText(_("Grade changes in the last {n} days", n=RECENT_DAYS))
        self.empty.setText(_("No client changed grade recently."))
        self.later.setText(_("Birthdays, follow-ups and complaint deadlines will be listed "
                             "here once the care calendar and the complaint log are built."))
        self._render()

    def refresh(self) -> None:
        """Query the grade changes again (after an evaluation or on start)."""
        self._rows, self._total = self._evaluations.recent_grade_changes(RECENT_DAYS, SHOWN)
        self._render()
        self.count_changed.emit(self._total)

    def _render(self) -> None:
        """Show the rows already read, in the current language."""
        self.changes.clear()
        rows, total = self._rows, self._total
        for row in rows:
            change = GradeChange(row.previous_grade, row.grade)
            when = row.last_evaluated_on.isoformat() if row.last_evaluated_on else ""
            text = _("{name}: {change} ({title}), evaluated {date}", name=row.name,
                     change=change.arrow, title=grade_title(row.grade or "C"), date=when)
            item = QListWidgetItem(("▲ " if change.improved else "▼ ") + text)
            item.setForeground(Qt.GlobalColor.darkGreen if change.improved
                               else Qt.GlobalColor.darkRed)
            item.setData(Qt.ItemDataRole.UserRole, row.id)
            self.changes.addItem(item)
        self.empty.setVisible(not rows)
        self.changes.setVisible(bool(rows))
        self.more.setText(_("…and {n} more; the Evaluation tab lists them all.",
                            n=total - len(rows)))
        self.more.setVisible(total > len(rows))

    def _activate(self, item: QListWidgetItem) -> None:
        self.open_client.emit(int(item.data(Qt.ItemDataRole.UserRole)))
