"""Lazy list of clients for the evaluation tab: grade, change, last evaluation
and whether an evaluation is due. Same id list and row cache as the client list;
filtering and sorting stay in SQL (ClientFilter)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from desktop_crm.domain.client import ClientRow
from desktop_crm.domain.evaluation import GradeChange
from desktop_crm.i18n import N_, _
from desktop_crm.services.clients import ClientService
from desktop_crm.services.evaluations import EvaluationService
from desktop_crm.ui.clients.list_model import ClientListModel, ModelIndex
from desktop_crm.ui.evaluation.advice import grade_caption

DUE_COLOUR = QColor("#b9520f")
BETTER_COLOUR = QColor("#1e7d3c")
WORSE_COLOUR = QColor("#b03a2e")


class EvaluationListModel(ClientListModel):
    """Clients with their current grade, for a QTableView.

    Attributes:
        flt: the current filter and sort order (see ClientListModel).
    """

    columns: tuple[tuple[str, str], ...] = (
        ("name", N_("Name")),
        ("company", N_("Company")),
        ("grade", N_("Grade")),
        ("change", N_("Change")),
        ("last_evaluated", N_("Last evaluated")),
        ("due", N_("Due")),
    )
    sortable: frozenset[str] = frozenset({"name", "grade", "last_evaluated"})
    keeps_texts = False  # "Due" moves with the day

    def __init__(self, client_service: ClientService, evaluation_service: EvaluationService,
                 parent: Any = None) -> None:
        super().__init__(client_service, parent)
        self._evaluations = evaluation_service

    def cell(self, item: ClientRow, key: str) -> str:
        """The text shown for ``item`` in the column ``key``."""
        if key == "grade":
            return grade_caption(item.grade) if item.grade else "—"
        if key == "change":
            return GradeChange(item.previous_grade, item.grade).arrow
        if key == "last_evaluated":
            return item.last_evaluated_on.isoformat() if item.last_evaluated_on else "—"
        if key == "due":
            return _("Due") if self._evaluations.is_due(item.last_evaluated_on) else ""
        return super().cell(item, key)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Override QAbstractItemModel::data: colours for due and grade changes."""
        if (role == Qt.ItemDataRole.ForegroundRole and index.isValid()
                and 0 <= index.row() < self.rowCount()
                and 0 <= index.column() < len(self.columns)):
            key = self.columns[index.column()][0]
            if key not in ("change", "due"):
                return None
            item = self._row(index.row())
            if item is None:
                return None
            if key == "due":
                return DUE_COLOUR
            change = GradeChange(item.previous_grade, item.grade)
            if change.changed:
                return BETTER_COLOUR if change.improved else WORSE_COLOUR
            return None
        return super().data(index, role)
