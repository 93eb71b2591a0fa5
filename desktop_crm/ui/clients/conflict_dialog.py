"""The dialog shown when a save meets a card someone else saved meanwhile:
for each field both changed, keep mine or take theirs; or reload theirs."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop_crm.domain.conflicts import EditConflictError, FieldConflict, change_text
from desktop_crm.i18n import _, ngettext

SHOWN_CHANGES = 8  # lines of the other side's changes listed before "and N more"
SHOWN_VALUE = 80  # characters of a value on its button; the tooltip has all


def _choice(value: str) -> QRadioButton:
    """A radio button showing ``value`` (one line, "&" shown as itself)."""
    line = " ".join(value.split())
    if len(line) > SHOWN_VALUE:
        line = line[:SHOWN_VALUE - 1] + "…"
    button = QRadioButton(line.replace("&", "&&") if line else _("(empty)"))
    button.setToolTip(value)
    return button


class ConflictDialog(QDialog):
    """Asks, per field both sides changed, which value to save.

    After ``exec()``: accepted with ``reload`` False: save, taking theirs for
    ``taken()``; accepted with ``reload`` True: throw my edits away and show
    theirs; rejected: keep editing, nothing saved.

    Attributes:
        mine, theirs: field -> the radio button choosing that side's value.
    """

    def __init__(self, conflict: EditConflictError, fields: list[FieldConflict],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.reload = False
        self.setWindowTitle(_("Card changed by someone else"))
        intro = QLabel(_("{name} was changed by someone else since you opened it. "
                         "Your other edits are kept; choose the value to keep where "
                         "you both changed a field.", name=conflict.theirs.name), self)
        intro.setWordWrap(True)
        lines = [change_text(e) for e in conflict.changes[-SHOWN_CHANGES:]]
        if len(conflict.changes) > SHOWN_CHANGES:
            lines.insert(0, ngettext("… and {n} earlier change", "… and {n} earlier changes",
                                     len(conflict.changes) - SHOWN_CHANGES))
        self.changes = QLabel("\n".join(lines), self)
        self.changes.setWordWrap(True)
        self.changes.setVisible(bool(lines))
        grid_holder = QWidget()
        grid = QGridLayout(grid_holder)
        for col, title in enumerate((_("Field"), _("Your value"), _("Their value"))):
            head = QLabel(f"<b>{title}</b>")
            grid.addWidget(head, 0, col)
        self.mine: dict[str, QRadioButton] = {}
        self.theirs: dict[str, QRadioButton] = {}
        self._groups: list[QButtonGroup] = []
        for row, item in enumerate(fields, start=1):
            grid.addWidget(QLabel(item.label), row, 0)
            mine = _choice(item.mine)
            theirs = _choice(item.theirs)
            who = item.who or _("someone")
            when = f"{item.when:%Y-%m-%d %H:%M}" if item.when else ""
            theirs.setToolTip(_("{who}, {when}", who=who, when=when) + "\n" + item.theirs
                              if when else item.theirs)
            mine.setChecked(True)
            group = QButtonGroup(self)
            group.addButton(mine)
            group.addButton(theirs)
            self._groups.append(group)
            grid.addWidget(mine, row, 1)
            grid.addWidget(theirs, row, 2)
            self.mine[item.field], self.theirs[item.field] = mine, theirs
        area = QScrollArea(self)
        area.setWidgetResizable(True)
        area.setWidget(grid_holder)
        self.buttons = QDialogButtonBox(self)
        self.save_button = QPushButton(_("Save my choices"))
        self.reload_button = QPushButton(_("Reload theirs"))
        self.reload_button.setToolTip(_("Throw away your edits and show the card as "
                                        "it is saved now"))
        self.cancel_button = QPushButton(_("Keep editing"))
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.reload_button, QDialogButtonBox.ButtonRole.ResetRole)
        self.buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.clicked.connect(self.accept)
        self.reload_button.clicked.connect(self._reload)
        self.cancel_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.changes)
        layout.addWidget(area, 1)
        layout.addWidget(self.buttons)
        self.resize(640, 360)

    def _reload(self) -> None:
        self.reload = True
        self.accept()

    def taken(self) -> list[str]:
        """The fields for which the user chose the other side's value."""
        return [field for field, button in self.theirs.items() if button.isChecked()]
