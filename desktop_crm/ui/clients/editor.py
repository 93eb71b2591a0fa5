"""The card editor: one client's sections as pages, Save (Ctrl+S) and
Cancel (Esc). Invalid input is marked at the field and blocks saving."""

from __future__ import annotations

import copy

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProxyStyle,
    QPushButton,
    QScrollArea,
    QStyle,
    QStyleOption,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from desktop_crm.domain.card_records import CardRecords
from desktop_crm.domain.client import ClientCard
from desktop_crm.domain.conflicts import EditConflictError, merge, take_field
from desktop_crm.domain.profile_card import profile_header
from desktop_crm.domain.scoring import grade_strategy, grade_title
from desktop_crm.domain.validation import FieldError, ValidationError, validate_card
from desktop_crm.i18n import N_, _
from desktop_crm.services.clients import ClientService
from desktop_crm.services.complaints import ComplaintService
from desktop_crm.services.contacts import ContactService
from desktop_crm.services.loyalty_plan import LoyaltyPlanService
from desktop_crm.services.photos import PhotoChange, PhotoService
from desktop_crm.services.sales import SalesService
from desktop_crm.storage.database import ConnectionLostError
from desktop_crm.ui.brief.actions import BriefActions
from desktop_crm.ui.clients.complaints_page import ComplaintsPage
from desktop_crm.ui.clients.conflict_dialog import ConflictDialog
from desktop_crm.ui.clients.contacts.by_kind import add_contacts_section, show_for_kind
from desktop_crm.ui.clients.contacts.page import ContactsPage
from desktop_crm.ui.clients.dates_page import DatesPage
from desktop_crm.ui.clients.fields import BasicsPage, ClassificationPage, OrganisationPage
from desktop_crm.ui.clients.history_page import HistoryPage
from desktop_crm.ui.clients.loyalty_panel import LoyaltyAdvicePanel
from desktop_crm.ui.clients.orders.page import OrdersPage
from desktop_crm.ui.clients.photo_view import PhotoView
from desktop_crm.ui.clients.profile_page import ProfilePage
from desktop_crm.ui.clients.timeline_page import TimelinePage
from desktop_crm.ui.date_edit import date_problems, typed_date_problems
from desktop_crm.ui.widgets import mark_invalid


def _scrolled(widget: QWidget) -> QScrollArea:
    """The page in a scroll area, kept at the top instead of stretched to fill it."""
    holder = QWidget()
    layout = QVBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(widget)
    layout.addStretch(1)
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setWidget(holder)
    return area


class _CompactTabs(QProxyStyle):
    """Tabs with less space around their text, so that the card's sections
    all show at 1,280 pixels in English (the longest labels)."""

    H_SPACE = 14  # Fusion's default is 24

    def pixelMetric(self, metric: QStyle.PixelMetric, option: QStyleOption | None = None,
                    widget: QWidget | None = None) -> int:
        if metric == QStyle.PixelMetric.PM_TabBarTabHSpace:
            return self.H_SPACE
        return super().pixelMetric(metric, option, widget)


class CardEditor(QWidget):
    """Edits one ClientCard.

    Signals:
        saved: the card was stored (argument: client id).
        dirty_changed: unsaved edits appeared or went away.
        timeline_changed: an interaction was logged (argument: client id).
        evaluate_requested: the user asked to evaluate this client (argument: id).
        loaded: a card (saved or new) was put in the editor.
    """

    saved = Signal(int)
    loaded = Signal()
    dirty_changed = Signal(bool)
    timeline_changed = Signal(int)
    evaluate_requested = Signal(int)

    PAGES = (N_("Basics"), N_("Organisation"), N_("Classification"), N_("Dates and family"),
             N_("Mackay 66"), N_("Timeline"), N_("Orders"), N_("Complaints"), N_("History"))

    def __init__(self, service: ClientService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self._original: ClientCard | None = None
        self._loading = False
        self._dirty = False
        self._marked: list[QWidget] = []  # the fields show_errors marked invalid
        self.title = QLabel(self)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.title.setFont(font)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.grade = QLabel(self)
        self.grade.setWordWrap(True)
        self.evaluate_button = QPushButton(self)
        self.evaluate_button.clicked.connect(self._request_evaluation)
        # the pre-visit brief of the saved card (none for a new or trashed one)
        self.brief = BriefActions(service, lambda: None if self.read_only else self.client_id,
                                  self)
        self.errors = QLabel(self)
        self.errors.setWordWrap(True)
        self.errors.setStyleSheet("color: #c0392b;")
        self.errors.hide()
        self.save_button = QPushButton(self)
        self.cancel_button = QPushButton(self)
        self.basics = BasicsPage()
        self.organisation = OrganisationPage()
        self.classification = ClassificationPage()
        self.loyalty_advice = LoyaltyAdvicePanel(LoyaltyPlanService(service.db),
                                                 self.classification)
        self.dates = DatesPage()
        self.profile = ProfilePage()
        self.profile.card_source = self.to_card  # shows the card's answers as edited
        self.timeline = TimelinePage(service)
        self.orders = OrdersPage(SalesService(service.db, service.clock, service.user))
        # the user's name, not the account's, even where only read (set_user)
        self._complaint_service = ComplaintService(service.db, service.clock, service.user)
        self.complaints = ComplaintsPage(self._complaint_service)
        self.history = HistoryPage()
        self.contacts = ContactsPage(ContactService(service.db, service.clock, service.user))
        self.photo = PhotoView(PhotoService(service.db, service.clock, service.user), self)
        self.pages = QTabWidget(self)
        self.pages.setUsesScrollButtons(True)
        self._tab_style = _CompactTabs()  # kept: the tab bar does not own its style
        self.pages.tabBar().setStyle(self._tab_style)
        for page in (self.basics, self.organisation, self.classification, self.dates,
                     self.profile):
            self.pages.addTab(_scrolled(page), "")
            page.changed.connect(self._on_edit)
        add_contacts_section(self)  # on the Organisation page, below its fields
        self.pages.addTab(self.timeline, "")
        self.pages.addTab(self.orders, "")
        self.pages.addTab(self.complaints, "")
        self.pages.addTab(self.history, "")
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.brief.make_button())
        head.addWidget(self.cancel_button)
        head.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        header = QVBoxLayout()  # right of the photo
        header.addLayout(head)
        header.addWidget(self.status)
        grade_row = QHBoxLayout()
        grade_row.addWidget(self.grade, 1)
        grade_row.addWidget(self.evaluate_button)
        header.addLayout(grade_row)
        top = QHBoxLayout()
        top.addWidget(self.photo)
        top.addLayout(header, 1)
        layout.addLayout(top)
        layout.addWidget(self.errors)
        # notes about the card being edited: the business-card banner (card_scan.py)
        self.notices = QVBoxLayout()
        layout.addLayout(self.notices)
        layout.addWidget(self.pages, 1)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.revert)
        self.timeline.logged.connect(self._on_logged)
        self.orders.changed.connect(self._on_orders_changed)
        self.basics.name.textChanged.connect(self._update_title)
        self.basics.kind.currentIndexChanged.connect(lambda _i: show_for_kind(self))
        self.contacts.changed.connect(
            lambda client_id: self.history.show_entries(self._service.history(client_id)))
        self.photo.changed.connect(self._on_photo_changed)
        self.retranslate()
        self.new_card()

    # -- state --------------------------------------------------------------------
    @property
    def client_id(self) -> int | None:
        return self._original.id if self._original else None

    @property
    def read_only(self) -> bool:
        return bool(self._original and self._original.deleted_at)

    def set_user(self, user: str) -> None:
        """The name the card's own services record from now on (Settings)."""
        self.orders.service.user = user
        self._complaint_service.user = user
        self.photo.service.user = user

    def is_dirty(self) -> bool:
        return self._dirty

    def _set_dirty(self, dirty: bool) -> None:
        if dirty != self._dirty:
            self._dirty = dirty
            self.dirty_changed.emit(dirty)
        self.save_button.setEnabled(dirty and not self.read_only)
        self.cancel_button.setEnabled(dirty)

    def _on_edit(self) -> None:
        if self._loading:
            return
        # a date typed that is not one (yet) is an unsaved edit the card cannot hold
        self._set_dirty(self.to_card() != self._original or any(
            typed_date_problems(page.fields) for page in (self.basics, self.organisation)))

    def _on_logged(self, client_id: int) -> None:
        if client_id == self.client_id:  # an edited or deleted entry is in the history
            self.history.show_entries(self._service.history(client_id))
        self.timeline_changed.emit(client_id)

    def _on_photo_changed(self, client_id: int, change: PhotoChange) -> None:
        """The photo counted a version of the card: unsaved edits are saved
        over it (the photo is no field of theirs), and the history shows it."""
        if client_id != self.client_id or self._original is None:
            return
        self._original.version = change.version
        self._original.updated_at = change.changed_at
        self.history.show_entries(self._service.history(client_id))
        self._update_title()

    def _on_orders_changed(self, client_id: int) -> None:
        """A lost or delivered order logs care entries on the timeline."""
        self.timeline.reload()
        self.timeline_changed.emit(client_id)

    def retranslate(self) -> None:
        self.save_button.setText(_("Save (Ctrl+S)"))
        self.evaluate_button.setText(_("Evaluate…"))
        self.cancel_button.setText(_("Cancel (Esc)"))
        for index, name in enumerate(self.PAGES):
            self.pages.setTabText(index, _(name))
        for page in (self.basics, self.organisation, self.classification, self.dates,
                     self.profile, self.contacts, self.timeline, self.orders, self.complaints,
                     self.history, self.photo):
            page.retranslate()
        self.loyalty_advice.retranslate()
        self.brief.retranslate()
        self._update_title()

    def _update_title(self) -> None:
        name = self.basics.name.text().strip()
        if self.client_id is None:
            self.title.setText(name or _("New client card"))
        else:
            self.title.setText(name or _("(no name)"))
        self._update_grade()
        if self.read_only:
            self.status.setText(_("This card is in the trash. Restore it to edit it."))
        elif self._original and self._original.updated_at:
            self.status.setText(_("Last changed {when}",
                                  when=f"{self._original.updated_at:%Y-%m-%d %H:%M}"))
        else:
            self.status.setText("")

    def _update_grade(self) -> None:
        saved = self.client_id is not None and not self.read_only
        self.evaluate_button.setVisible(saved)
        if self.brief.button is not None:
            self.brief.button.setVisible(saved)
        grade = self._original.grade if self._original else None
        if not saved:
            self.grade.setText("")
        elif grade:
            self.grade.setText(_("Grade {grade}: {title}. {strategy}", grade=grade,
                                 title=grade_title(grade), strategy=grade_strategy(grade)))
        else:
            self.grade.setText(_("Not evaluated yet."))

    def _request_evaluation(self) -> None:
        if self.client_id is not None:
            self.evaluate_requested.emit(self.client_id)

    # -- loading and saving -----------------------------------------------------------
    def load(self, card: ClientCard, records: CardRecords | None = None) -> None:
        """Show ``card`` (a copy is kept to detect unsaved edits); ``records``:
        its timeline, orders, people, complaints, photo and history as read
        with it (``load_id``), else each section reads its own."""
        self._loading = True
        self.loyalty_advice.held = True  # shown once, by set_grade below
        try:
            for page in (self.basics, self.organisation, self.classification, self.dates,
                         self.profile):
                page.load(card)
            self._original = self.to_card()
            self._original.id = card.id
            self._original.created_at, self._original.updated_at = (card.created_at,
                                                                    card.updated_at)
            self._original.deleted_at = card.deleted_at
            self._original.grade = card.grade
            self._original.version = card.version
        finally:
            self._loading = False
            self.loyalty_advice.held = False
        self.show_errors([])
        self._set_dirty(False)
        for page in (self.basics, self.organisation, self.classification, self.dates,
                     self.profile):
            page.setEnabled(not self.read_only)
        shown = card.id if card.id and not self.read_only else None
        # each section shows what was read with the card, or reads its own (None)
        self.timeline.set_client(shown, records.interactions if records and shown else None)
        self.orders.set_client(card.id, self.read_only, records.orders if records else None)
        self.contacts.set_client(card.id, self.read_only, records.people if records else None)
        self.complaints.set_client(card.id, self.read_only,
                                   records.complaints if records else None)
        if records is None:
            self.photo.set_client(card.id, card.name, self.read_only)
            entries = self._service.history(card.id) if card.id else []
        else:
            self.photo.show_photo(card.id, records.photo, card.name, self.read_only)
            entries = records.history
        show_for_kind(self)
        self.history.show_entries(entries)
        self.profile.show_header(profile_header(entries), self._service.user)
        self.loyalty_advice.set_grade(card.grade)
        self._update_title()
        self.loaded.emit()

    def load_id(self, client_id: int) -> None:
        # the card, its sections' records, timeline and history: one read
        # (one statement on PostgreSQL), and what a section reads besides
        # (the loyalty plan, the complaints' reply target) on the same
        # connection, each statement on its own (no common state needed)
        with self._service.reading(snapshot=False):
            records = self._service.open_card(client_id)
            self.load(records.card, records)

    def new_card(self) -> None:
        self.load(ClientCard(owner=self._service.user))  # a new client is the user's
        self.pages.setCurrentIndex(0)
        self.basics.name.setFocus()

    def to_card(self) -> ClientCard:
        """The card as currently entered (not validated)."""
        card = copy.deepcopy(self._original) if self._original else ClientCard()
        for page in (self.basics, self.organisation, self.classification, self.dates,
                     self.profile):
            page.store(card)
        return card

    def revert(self) -> None:
        """Esc: throw away unsaved edits."""
        if self._original is not None:
            self.load(self._original)

    def save(self) -> bool:
        """Validate and store; on problems mark the fields and keep the edits."""
        if self.read_only:
            return False
        card = self.to_card()
        errors = [FieldError(name, problem) for page in (self.basics, self.organisation)
                  for name, problem in date_problems(page.fields)] + validate_card(card)
        if errors:
            self.show_errors(errors)
            return False
        return self._store(card, self._original or ClientCard())

    def _store(self, card: ClientCard, base: ClientCard) -> bool:
        """Save ``card``, edited from ``base``; a card someone else saved
        meanwhile is merged (``_merge``) and saved over their version."""
        try:
            client_id = self._service.save(card)
        except ValidationError as exc:
            self.show_errors(exc.errors)
            return False
        except EditConflictError as exc:
            merged = self._merge(base, card, exc)
            # theirs is the base of the merged card: a newer save is merged again
            return merged is not None and self._store(merged, exc.theirs)
        except ConnectionLostError as exc:
            # nothing was written; the typing stays, to be saved again once the
            # server answers (the next save connects anew)
            self.show_errors([])
            self.errors.setText(str(exc))
            self.errors.show()
            return False
        self.load_id(client_id)
        self.saved.emit(client_id)
        return True

    def _merge(self, base: ClientCard, mine: ClientCard,
               conflict: EditConflictError) -> ClientCard | None:
        """The card to save over the stored one: the user's edits plus what
        the other side changed; where both changed a field, the user chooses
        (``ConflictDialog``). None when the user keeps editing or reloads."""
        merged, fields = merge(base, mine, conflict.theirs, conflict.changes)
        if not fields:
            return merged
        dialog = ConflictDialog(conflict, fields, self)
        try:
            if not dialog.exec():  # keep editing: say why nothing was saved
                self.errors.setText(str(conflict))
                self.errors.show()
                return None
            if dialog.reload:
                self.load(conflict.theirs)
                return None
            for field in dialog.taken():
                take_field(merged, conflict.theirs, field)
            return merged
        finally:
            dialog.deleteLater()

    # -- errors -----------------------------------------------------------------------
    def _widget_for(self, field: str) -> tuple[int, QWidget | None]:
        head = field.split(".")[0]
        if head == "phones":
            return 0, self.basics.phone_widget(int(field.split(".")[1]))
        for index, page in enumerate((self.basics, self.organisation, self.classification)):
            if head in page.fields:
                return index, page.fields[head]
        if head in ("birthday", "dates", "family"):
            return 3, self.dates.widget_for(field)
        if head == "profile":
            number = int(field.split(".")[1])
            return 4, self.profile.answers.get(number)
        return 0, None

    def show_errors(self, errors: list[FieldError]) -> None:
        # only the fields marked here are cleared: a card opens with
        # show_errors([]), and asking the editor's ~3,000 widgets whether they
        # are marked took 30 ms of each opening (a date field clears its own
        # typing mark when a card is loaded into it)
        marked, self._marked = self._marked, []
        for widget in marked:
            if isValid(widget):  # a phone row may have gone since
                mark_invalid(widget, None)
        if not errors:
            self.errors.hide()
            return
        lines = []
        first: tuple[int, QWidget | None] | None = None  # page and field to focus
        for error in errors:
            page, field_widget = self._widget_for(error.field)
            if field_widget is not None:
                mark_invalid(field_widget, error.message)
                self._marked.append(field_widget)
            lines.append(f"• {self.pages.tabText(page)}: {error.message}")
            first = first or (page, field_widget)
        self.errors.setText(_("Not saved. Please correct:") + "\n" + "\n".join(lines))
        self.errors.show()
        if first is not None:
            self.pages.setCurrentIndex(first[0])
            if first[1] is not None:
                first[1].setFocus(Qt.FocusReason.OtherFocusReason)
