"""The "Mine / Everyone" choice (只看我的 / 全部) of the client list, Today, the
care calendar and the complaint list.

"Mine" lists the clients whose owner is the user's name (Settings: "Your
name"), and what belongs to them; it is the default on a shared (server)
database, where a salesperson's day is their own clients, and "Everyone" the
default on a SQLite file of one's own. Each tab remembers its choice per
database in QSettings, keyed by the database's UUID (never by its URL, which
may carry a password).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import QComboBox, QWidget

from desktop_crm.i18n import _


@dataclass(frozen=True)
class ScopeMemory:
    """Where the tabs' choices of one database are kept.

    Attributes:
        settings: this computer's settings (None: remembered nowhere).
        database: the database's UUID.
        mine_by_default: the choice before the user made one.
    """

    settings: QSettings | None = None
    database: str = ""
    mine_by_default: bool = False

    def _key(self, tab: str) -> str:
        return f"owner_scope/{self.database}/{tab}"

    def mine(self, tab: str) -> bool:
        if self.settings is None or not self.database:
            return self.mine_by_default
        value = self.settings.value(self._key(tab))
        if value in ("mine", "everyone"):
            return bool(value == "mine")
        return self.mine_by_default

    def remember(self, tab: str, mine: bool) -> None:
        if self.settings is not None and self.database:
            self.settings.setValue(self._key(tab), "mine" if mine else "everyone")


class OwnerScopeCombo(QComboBox):
    """"Mine" or "Everyone", remembered for ``tab`` in ``memory``.

    Signals:
        scope_changed: the user chose (argument: True for "Mine").
    """

    scope_changed = Signal(bool)

    def __init__(self, tab: str, memory: ScopeMemory | None, parent: QWidget | None = None
                 ) -> None:
        super().__init__(parent)
        self.tab = tab
        self.memory = memory or ScopeMemory()
        self._remember = True
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.addItem("", True)
        self.addItem("", False)
        self.setCurrentIndex(0 if self.memory.mine(tab) else 1)
        self.retranslate()
        self.currentIndexChanged.connect(self._chosen)

    def retranslate(self) -> None:
        self.setItemText(0, _("Mine"))
        self.setItemText(1, _("Everyone"))
        self.setToolTip(_("Mine: only the clients you own (Settings: Your name); "
                          "Everyone: all clients"))

    def is_mine(self) -> bool:
        return bool(self.currentData())

    def set_mine(self, mine: bool, *, quietly: bool = False, remember: bool = True) -> None:
        """Choose; ``quietly``: without scope_changed; ``remember``: keep it as
        the tab's choice (not when a jump to a client cleared the filters)."""
        self._remember = remember
        self.blockSignals(quietly)
        self.setCurrentIndex(0 if mine else 1)
        self.blockSignals(False)
        if quietly and remember:
            self.memory.remember(self.tab, mine)
        self._remember = True

    def _chosen(self, _index: int) -> None:
        mine = self.is_mine()
        if self._remember:
            self.memory.remember(self.tab, mine)
        self.scope_changed.emit(mine)
