"""What an empty book offers in its empty client list: import the user's own
clients, or try the app with demo data (in a book of its own)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget

from desktop_crm.i18n import _


class FirstStartPanel(QWidget):
    """Two buttons under "No clients yet".

    Signals:
        import_requested: the user wants to import an Excel file or phone contacts.
        demo_requested: the user wants to try the app with demo data.
    """

    import_requested = Signal()
    demo_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.import_button = QPushButton(self)
        self.demo_button = QPushButton(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for button in (self.import_button, self.demo_button):
            layout.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self.import_requested)
        self.demo_button.clicked.connect(self.demo_requested)
        self.retranslate()

    def retranslate(self) -> None:
        self.import_button.setText(_("Import your Excel or phone contacts…"))
        self.demo_button.setText(_("Try it with demo data"))
        self.demo_button.setToolTip(_("Opens the demo book, a separate file of invented "
                                      "clients; your own book stays empty and unchanged"))
