"""Today (今日): what needs doing today, from every part of the book: overdue
items, today's, reminders whose lead time has begun, and recent grade changes."""

from __future__ import annotations

from operator import attrgetter

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop_crm.domain.care import AgendaItem
from desktop_crm.domain.client import ClientRow
from desktop_crm.domain.enums import AgendaKind
from desktop_crm.domain.evaluation import GradeChange
from desktop_crm.domain.grades import grade_title
from desktop_crm.i18n import _, language
from desktop_crm.services.agenda import AgendaService
from desktop_crm.services.evaluations import EvaluationService
from desktop_crm.services.reminders import DueCount
from desktop_crm.ui.care.agenda_panel import AgendaPanel
from desktop_crm.ui.changes import Changes
from desktop_crm.ui.owner_scope import OwnerScopeCombo, ScopeMemory

RECENT_DAYS = 30
SHOWN = 100  # newest first; the rest are one tab away


def _bold(label: QLabel) -> QLabel:
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


class TodayTab(QWidget):
    """The day's agenda (mark done, open the card) above the grade changes.

    Signals:
        open_client: the user wants to see a client's card (argument: id).
        open_backlog: show the clients not contacted for long in the client list.
        count_changed: the numbers for the tab title changed (arguments: items
            needing attention, of which overdue).
        changed: an item was marked done or undone (argument: client id or 0).
        status: a short message for the status bar.

    Attributes:
        panel: today's agenda items and their actions.
        changes: recent grade changes.
        overdue, total: the counts last shown.
        due_count: what the tray counts of what is listed (due today or
            overdue, of which overdue: ``DueCount.of`` the items).
        loaded: the day's items were read (the tab is built empty, saying
            "Loading…", and the window fills it right after it shows).
    """

    open_client = Signal(int)
    open_backlog = Signal()
    count_changed = Signal(int, int)
    changed = Signal(int)
    status = Signal(str)

    def __init__(self, agenda: AgendaService, evaluations: EvaluationService,
                 parent: QWidget | None = None, scope: ScopeMemory | None = None) -> None:
        super().__init__(parent)
        self.scope = OwnerScopeCombo("today", scope, self)
        self._agenda = agenda
        self._evaluations = evaluations
        self._items: list[AgendaItem] = []
        self._rows: list[ClientRow] = []
        self._changes_total = 0
        self._rendered_in = ""  # the language the items were last shown in
        self.loaded = False
        self.overdue = 0
        self.total = 0
        self.due_count = DueCount(0, 0)
        self.agenda_heading = _bold(QLabel(self))
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.panel = AgendaPanel(agenda, self)
        self.panel.mine = self.scope.is_mine()
        self.heading = _bold(QLabel(self))
        self.changes = QListWidget(self)
        self.changes.setAlternatingRowColors(True)
        self.empty = QLabel(self)
        self.empty.setWordWrap(True)
        self.more = QLabel(self)
        top = QWidget(self)
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        heading = QHBoxLayout()
        heading.addWidget(self.agenda_heading, 1)
        heading.addWidget(self.scope)
        top_layout.addLayout(heading)
        top_layout.addWidget(self.summary)
        top_layout.addWidget(self.panel, 1)
        bottom = QWidget(self)
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(self.heading)
        bottom_layout.addWidget(self.empty)
        bottom_layout.addWidget(self.changes, 1)
        bottom_layout.addWidget(self.more)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.addWidget(top)
        self.splitter.addWidget(bottom)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        QVBoxLayout(self).addWidget(self.splitter)
        self.changes.itemActivated.connect(self._activate)
        self.panel.open_client.connect(self.open_client)
        self.panel.open_backlog.connect(self.open_backlog)
        self.panel.status.connect(self.status)
        self.panel.changed.connect(self._on_panel_changed)
        self.scope.scope_changed.connect(self._on_scope_chosen)
        self.retranslate()

    @property
    def items(self) -> list[AgendaItem]:
        """The agenda items read last (the tray counts them)."""
        return list(self._items)

    def retranslate(self) -> None:
        self.agenda_heading.setText(_("To do today"))
        self.heading.setText(_("Grade changes in the last {n} days", n=RECENT_DAYS))
        self.empty.setText(_("No client changed grade recently."))
        self.scope.retranslate()
        self.panel.retranslate()
        if not self.loaded:
            self._show_loading()
        elif self._rendered_in != language():
            self._render()

    def _show_loading(self) -> None:
        """Before the first read: say so, rather than showing an empty day."""
        self.summary.setText(_("Loading…"))
        self.panel.set_items([], _("Loading…"))
        self.changes.hide()
        self.empty.hide()
        self.more.hide()

    def apply_changes(self, changes: Changes) -> None:
        """TabPage: the list follows the agenda and the grade changes (once it
        was read at all)."""
        if self.loaded and (changes.agenda or changes.grades or changes.user):
            self.refresh()

    def _on_scope_chosen(self, mine: bool) -> None:
        self.panel.mine = mine
        self.refresh()

    def confirm_discard(self) -> bool:
        """TabPage: nothing here is edited."""
        return True

    def refresh(self) -> None:
        """Read today's items and the grade changes again."""
        # Tasks first (overdue follow-ups, today's dates, reminders), then the
        # backlog of clients not contacted for too long, longest first; each
        # part by day (a stable sort by day, then split: no key tuple for each
        # of the tens of thousands of items at 100,000 clients)
        mine = self.scope.is_mine()
        by_day = sorted(self._agenda.due_today(mine), key=attrgetter("day"))
        backlog = AgendaKind.NO_CONTACT
        self._items = ([i for i in by_day if i.kind != backlog]
                       + [i for i in by_day if i.kind == backlog])
        self._rows, self._changes_total = self._evaluations.recent_grade_changes(
            RECENT_DAYS, SHOWN, mine)
        self._render()
        self.total = len(self._items) + self._changes_total
        self.loaded = True
        self.count_changed.emit(self.total, self.overdue)

    def _render(self) -> None:
        """Show what was read last, in the current language."""
        self._rendered_in = language()
        today = self._agenda.today()
        overdue = due_today = 0
        for listed in self._items:  # one pass: tens of thousands at 100,000 clients
            if listed.is_overdue(today):
                overdue += 1
            elif listed.day == today:
                due_today += 1
        self.overdue = overdue
        self.due_count = DueCount(overdue + due_today, overdue)
        ahead = len(self._items) - overdue - due_today
        self.summary.setText(_("{overdue} overdue · {today} today · {ahead} coming up",
                               overdue=overdue, today=due_today, ahead=ahead))
        self.panel.set_items(self._items, _("Nothing due today. Enjoy the quiet!"))
        self.changes.clear()
        for row in self._rows:
            change = GradeChange(row.previous_grade, row.grade)
            when = row.last_evaluated_on.isoformat() if row.last_evaluated_on else ""
            text = _("{name}: {change} · {title} · evaluated {date}", name=row.name,
                     change=change.arrow, title=grade_title(row.grade or "C"), date=when)
            item = QListWidgetItem(("▲ " if change.improved else "▼ ") + text)
            item.setForeground(Qt.GlobalColor.darkGreen if change.improved
                               else Qt.GlobalColor.darkRed)
            item.setData(Qt.ItemDataRole.UserRole, row.id)
            self.changes.addItem(item)
        self.empty.setVisible(not self._rows)
        self.changes.setVisible(bool(self._rows))
        self.more.setText(_("…and {n} more; the Evaluation tab lists them all.",
                            n=self._changes_total - len(self._rows)))
        self.more.setVisible(self._changes_total > len(self._rows))

    def _on_panel_changed(self, client_id: int) -> None:
        self.refresh()
        self.changed.emit(client_id)

    def _activate(self, item: QListWidgetItem) -> None:
        self.open_client.emit(int(item.data(Qt.ItemDataRole.UserRole)))
