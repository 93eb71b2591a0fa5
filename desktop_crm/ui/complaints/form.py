"""The complaint form, grouped as the source's handling steps: listen and record
the client's words, restate the problem, agree the solution, apologise and act,
follow up. The temperament advice and the seven "a bit more" stay in view.
New complaints are registered, existing ones saved; problems are marked at the
field and nothing is stored."""

from __future__ import annotations

import copy
from datetime import datetime

from PySide6.QtCore import QDate, QDateTime, Qt, QTime, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_crm.domain.complaint import (
    MAX_ESCALATION,
    STEPS,
    Complaint,
    ComplaintCategory,
    ComplaintCause,
    ComplaintChannel,
    Priority,
    Temperament,
    a_bit_more,
    advice,
    validate_complaint,
)
from desktop_crm.domain.errors import NotFoundError
from desktop_crm.domain.validation import FieldError, ValidationError
from desktop_crm.i18n import N_, _
from desktop_crm.services.clients import ClientService
from desktop_crm.services.complaints import ComplaintService
from desktop_crm.ui.clients.fields import EnumCombo
from desktop_crm.ui.complaints.client_picker import ClientPicker
from desktop_crm.ui.date_edit import DateTimeEdit, date_problems
from desktop_crm.ui.widgets import ERROR_STYLE, mark_invalid

ADVICE_STYLE = "background: #fef5e7; border: 1px solid #f0c36d; padding: 4px;"
MAX_COMPENSATION = 10_000_000.0

# field name (a Complaint attribute) -> caption
CAPTIONS = {
    "client_id": N_("Client *"), "received_at": N_("Received"), "channel": N_("Channel"),
    "category": N_("Category"), "cause": N_("Cause"), "department": N_("Department"),
    "priority": N_("Priority"), "temperament": N_("Temperament"),
    "words": N_("The client's words *"),
    "restated": N_("Restated problem"), "demand": N_("The client's demand"),
    "solution": N_("Solution"), "compensation": N_("Compensation"),
    "escalation": N_("Escalation level"),
    "resolution": N_("Resolution"),
    "satisfaction": N_("Satisfaction"), "improvement": N_("Improvement action"),
}
# which step box each field sits in (index into ComplaintForm.steps)
STEP_OF = {"restated": 1, "demand": 1, "solution": 2, "compensation": 2, "escalation": 2,
           "resolution": 3, "satisfaction": 4, "improvement": 4}


def _qdatetime(value: datetime) -> QDateTime:
    return QDateTime(QDate(value.year, value.month, value.day),
                     QTime(value.hour, value.minute, value.second))


def _text_box(parent: QWidget, lines: int) -> QPlainTextEdit:
    box = QPlainTextEdit(parent)
    box.setTabChangesFocus(True)
    height = box.fontMetrics().lineSpacing() * lines + 14
    box.setMinimumHeight(height)
    box.setMaximumHeight(height)
    return box


class ComplaintForm(QWidget):
    """Edits one complaint (a new one until it is registered).

    Signals:
        saved: the complaint was registered or saved (argument: the stored Complaint).
        dirty_changed: unsaved edits appeared or went away.

    Attributes:
        complaint: the complaint as last loaded or stored (None: a new one).
        fields: Complaint attribute -> its input, for validation marks.
        steps: the step group boxes, in order.
        advice: the handling advice for the chosen temperament.
        a_bit_more: the seven "a bit more" reminders.
        errors: why the last save failed.
    """

    saved = Signal(object)
    dirty_changed = Signal(bool)

    def __init__(self, service: ComplaintService, clients: ClientService,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self.complaint: Complaint | None = None
        self._base = Complaint(client_id=0, received_at=service.now(), words="")
        self._original: Complaint | None = None
        self._loading = False
        self._dirty = False
        self.errors = QLabel(self)
        self.errors.setWordWrap(True)
        self.errors.setStyleSheet(ERROR_STYLE)
        self.errors.hide()
        self.steps = [QGroupBox(self) for _i in range(5)]
        listen, restate, solve, act, follow = self.steps
        # 1: listen fully and record the client's words
        self.client = ClientPicker(clients, listen)
        self.received = DateTimeEdit(listen)
        self.channel = EnumCombo(ComplaintChannel, False, listen)
        self.category = EnumCombo(ComplaintCategory, False, listen)
        self.cause = EnumCombo(ComplaintCause, True, listen)
        self.department = QComboBox(listen)
        self.department.setEditable(True)
        self.department.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.priority = EnumCombo(Priority, False, listen)
        self.temperament = EnumCombo(Temperament, True, listen)
        self.advice = QLabel(listen)
        self.advice.setWordWrap(True)
        self.advice.setStyleSheet(ADVICE_STYLE)
        self.a_bit_more = QLabel(listen)
        self.a_bit_more.setWordWrap(True)
        font = self.a_bit_more.font()
        font.setPointSizeF(font.pointSizeF() * 0.9)
        self.a_bit_more.setFont(font)
        self.a_bit_more.setStyleSheet("color: #555;")
        self.words = _text_box(listen, 4)
        # 2: restate the problem
        self.restated = _text_box(restate, 2)
        self.demand = QLineEdit(restate)
        # 3: agree the solution
        self.solution = _text_box(solve, 2)
        self.compensation = QDoubleSpinBox(solve)
        self.compensation.setRange(0.0, MAX_COMPENSATION)
        self.compensation.setDecimals(2)
        self.compensation.setSingleStep(50.0)
        self.compensation.setPrefix("¥ ")
        self.escalation = QSpinBox(solve)
        self.escalation.setRange(0, MAX_ESCALATION)
        # 4 and 5: apologise, act
        self.act_tip = QLabel(act)
        self.act_tip.setWordWrap(True)
        self.resolution = _text_box(act, 2)
        # 6: follow up
        self.follow_tip = QLabel(follow)
        self.follow_tip.setWordWrap(True)
        self.satisfaction = QComboBox(follow)
        self.satisfaction.addItem("", None)
        for n in range(1, 6):
            self.satisfaction.addItem(f"{n} " + "★" * n + "☆" * (5 - n), n)
        self.improvement = _text_box(follow, 2)

        self.advice_box = QWidget(listen)
        advice_layout = QVBoxLayout(self.advice_box)
        advice_layout.setContentsMargins(0, 0, 0, 0)
        advice_layout.addWidget(self.advice)
        advice_layout.addWidget(self.a_bit_more)

        self.fields: dict[str, QWidget] = {  # in the order of the form
            "client_id": self.client, "received_at": self.received, "channel": self.channel,
            "words": self.words, "category": self.category, "cause": self.cause,
            "department": self.department, "priority": self.priority,
            "temperament": self.temperament,
            "restated": self.restated, "demand": self.demand, "solution": self.solution,
            "compensation": self.compensation, "escalation": self.escalation,
            "resolution": self.resolution, "satisfaction": self.satisfaction,
            "improvement": self.improvement,
        }
        self._captions: dict[str, QLabel] = {}
        # Step 1 puts the advice under its form: a QFormLayout sizes wrapped labels
        # for a narrower width than they get, leaving a gap (a box layout does not).
        listen_layout = QVBoxLayout(listen)
        forms = [QFormLayout() for _box in self.steps]
        listen_layout.addLayout(forms[0])
        listen_layout.addWidget(self.advice_box)
        for box, form in zip(self.steps[1:], forms[1:], strict=True):
            box.setLayout(form)
        forms[3].addRow(self.act_tip)
        forms[4].addRow(self.follow_tip)
        for name, widget in self.fields.items():
            caption = QLabel(widget.parentWidget())
            caption.setBuddy(widget)
            self._captions[name] = caption
            forms[STEP_OF.get(name, 0)].addRow(caption, widget)

        holder = QWidget(self)
        steps_layout = QVBoxLayout(holder)
        steps_layout.setContentsMargins(0, 0, 4, 0)
        for box in self.steps:
            steps_layout.addWidget(box)
        steps_layout.addStretch(1)
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QScrollArea.Shape.NoFrame)
        self.scroll_area.setWidget(holder)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.errors)
        layout.addWidget(self.scroll_area, 1)

        self.temperament.currentIndexChanged.connect(self._show_advice)
        for widget in self.fields.values():
            for signal in ("changed", "textChanged", "currentTextChanged", "dateTimeChanged",
                           "valueChanged"):
                if hasattr(widget, signal):
                    getattr(widget, signal).connect(self._on_edit)
                    break
        self.retranslate()
        self.new()

    # -- texts ----------------------------------------------------------------------
    def retranslate(self) -> None:
        titles = [f"1. {_(STEPS[0])}", f"2. {_(STEPS[1])}", f"3. {_(STEPS[2])}",
                  f"4. {_(STEPS[3])} · 5. {_(STEPS[4])}", f"6. {_(STEPS[5])}"]
        for box, title in zip(self.steps, titles, strict=True):
            box.setTitle(title)
        for name, caption in self._captions.items():
            caption.setText(_(CAPTIONS[name]))
        widest = max(caption.sizeHint().width() for caption in self._captions.values())
        for caption in self._captions.values():  # one column of fields in every step
            caption.setMinimumWidth(widest)
        for combo in (self.channel, self.category, self.cause, self.priority,
                      self.temperament):
            combo.retranslate()
        self.cause.setItemText(0, _("— not known yet —"))
        self.temperament.setItemText(0, _("— choose —"))
        self.satisfaction.setItemText(0, _("Not asked yet"))
        self.client.retranslate()
        self.words.setPlaceholderText(_("Write down what the client said, in their own words"))
        self.restated.setPlaceholderText(_("The problem as you restated it and the client "
                                           "agreed"))
        self.demand.setPlaceholderText(_("What the client asks for"))
        self.solution.setPlaceholderText(_("The solution proposed and agreed with the client"))
        self.resolution.setPlaceholderText(_("What was done in the end"))
        self.improvement.setPlaceholderText(_("What we change so it does not happen again"))
        line = self.department.lineEdit()
        assert line is not None  # the combo is editable
        line.setPlaceholderText(_("The department concerned"))
        self.escalation.setSpecialValueText(_("0 – the salesperson"))
        self.escalation.setToolTip(_("0 is the salesperson who took the complaint; each level "
                                     "up is a more senior handler (up to {n})",
                                     n=MAX_ESCALATION))
        self.act_tip.setText(_("Apologise for the trouble whoever was at fault, then do what "
                               "was agreed and write down what was done."))
        self.follow_tip.setText(_("Resolving the complaint puts the follow-up call on the care "
                                  "calendar; it is due within seven days."))
        self.a_bit_more.setText("<b>" + _("The seven “a bit more”:") + "</b> "
                                + " · ".join(a_bit_more()))
        self._show_advice()

    def _show_advice(self) -> None:
        value = self.temperament.value()
        if isinstance(value, Temperament):
            self.advice.setText(f"<b>{value.label}:</b> {advice(value)}")
        else:
            self.advice.setText(_("Choose the client's temperament to see how to handle them."))

    # -- state ----------------------------------------------------------------------
    def is_dirty(self) -> bool:
        return self._dirty

    def _set_dirty(self, dirty: bool) -> None:
        if dirty != self._dirty:
            self._dirty = dirty
            self.dirty_changed.emit(dirty)

    def _on_edit(self) -> None:
        if self._loading:
            return
        if self.complaint is None and not self._dirty and self.sender() is not self.received:
            self._receive_now()
        self._set_dirty(self.to_complaint() != self._original)

    def _receive_now(self) -> None:
        """A new complaint is received when its form is started (its first
        edit), not when the blank form was first shown; a received time the
        user typed is kept."""
        now = self._service.now().replace(second=0, microsecond=0)
        self._loading = True
        try:
            self.received.setDateTime(now)
        finally:
            self._loading = False
        self._base.received_at = now
        if self._original is not None:
            self._original.received_at = now

    def set_departments(self, departments: list[str]) -> None:
        """The departments named before, offered in the department box."""
        text = self.department.currentText()
        self._loading = True
        try:
            self.department.clear()
            self.department.addItems(departments)
            self.department.setCurrentIndex(-1)
            self.department.setEditText(text)
        finally:
            self._loading = False

    # -- loading and saving -----------------------------------------------------------
    def new(self, client_id: int | None = None) -> None:
        """An empty form for a complaint received now."""
        now = self._service.now().replace(second=0, microsecond=0)
        self.load(Complaint(client_id=client_id or 0, received_at=now, words=""))

    def load(self, complaint: Complaint) -> None:
        """Show ``complaint`` (registered when it has an id)."""
        self._loading = True
        try:
            self.complaint = complaint if complaint.id is not None else None
            self.client.set_value(complaint.client_id or None, complaint.client)
            self.received.setDateTime(_qdatetime(complaint.received_at))
            self.channel.set_value(complaint.channel)
            self.category.set_value(complaint.category)
            self.cause.set_value(complaint.cause)
            self.department.setEditText(complaint.department)
            self.priority.set_value(complaint.priority)
            self.temperament.set_value(complaint.temperament)
            self.words.setPlainText(complaint.words)
            self.restated.setPlainText(complaint.restated)
            self.demand.setText(complaint.demand)
            self.solution.setPlainText(complaint.solution)
            self.compensation.setValue(complaint.compensation)
            self.escalation.setValue(complaint.escalation)
            self.resolution.setPlainText(complaint.resolution)
            self.satisfaction.setCurrentIndex(max(self.satisfaction.findData(
                complaint.satisfaction), 0) if complaint.satisfaction else 0)
            self.improvement.setPlainText(complaint.improvement)
            self._base = copy.deepcopy(complaint)
            self._original = self.to_complaint()
        finally:
            self._loading = False
        self._show_advice()
        self.show_errors([])
        self._set_dirty(False)
        self.scroll_area.verticalScrollBar().setValue(0)

    def to_complaint(self) -> Complaint:
        """The complaint as currently entered (not validated)."""
        c = copy.deepcopy(self._base)
        received = self.received.dateTime().toPython()
        assert isinstance(received, datetime)
        c.client_id = self.client.value() or 0
        c.received_at = received
        c.channel = ComplaintChannel(self.channel.value() or ComplaintChannel.PHONE)
        c.category = ComplaintCategory(self.category.value() or ComplaintCategory.OTHER)
        c.cause = ComplaintCause(v) if (v := self.cause.value()) else None
        c.department = self.department.currentText().strip()
        c.priority = Priority(self.priority.value() or Priority.NORMAL)
        c.temperament = Temperament(v) if (v := self.temperament.value()) else None
        c.words = self.words.toPlainText().strip()
        c.restated = self.restated.toPlainText().strip()
        c.demand = self.demand.text().strip()
        c.solution = self.solution.toPlainText().strip()
        c.compensation = round(self.compensation.value(), 2)
        c.escalation = self.escalation.value()
        c.resolution = self.resolution.toPlainText().strip()
        data = self.satisfaction.currentData()
        c.satisfaction = int(data) if data is not None else None
        c.improvement = self.improvement.toPlainText().strip()
        return c

    def revert(self) -> None:
        """Throw away unsaved edits."""
        self.load(self._base)

    def save(self) -> Complaint | None:
        """Register or save; on problems mark the fields, store nothing, return None."""
        c = self.to_complaint()
        errors = [] if c.client_id else [FieldError("client_id",
                                                    _("Choose the client who complained"))]
        errors += [FieldError(name, problem) for name, problem in date_problems(self.fields)]
        errors += validate_complaint(c, self._service.now())
        if errors:
            self.show_errors(errors)
            return None
        try:
            stored = self._service.register(c) if c.id is None else self._service.save(c)
        except ValidationError as exc:
            self.show_errors(exc.errors)
            return None
        except NotFoundError as exc:
            self.show_errors([FieldError("client_id" if c.id is None else "", str(exc))])
            return None
        self.load(stored)
        self.saved.emit(stored)
        return stored

    # -- errors -----------------------------------------------------------------------
    def _mark_target(self, field: str) -> QWidget | None:
        widget = self.fields.get(field)
        return self.client.search if widget is self.client else widget

    def show_errors(self, errors: list[FieldError]) -> None:
        for name in self.fields:
            widget = self._mark_target(name)
            if widget is not None and widget.property("invalid"):
                mark_invalid(widget, None)
        if not errors:
            self.errors.hide()
            return
        lines = []
        first: QWidget | None = None
        for error in errors:
            widget = self._mark_target(error.field)
            if widget is not None:
                mark_invalid(widget, error.message)
                caption = _(CAPTIONS[error.field]).rstrip(" *")
                lines.append(f"• {caption}: {error.message}")
                first = first or widget
            else:
                lines.append(f"• {error.message}")
        self.errors.setText(_("Not saved. Please correct:") + "\n" + "\n".join(lines))
        self.errors.show()
        if first is not None:
            self.scroll_area.ensureWidgetVisible(first)
            first.setFocus(Qt.FocusReason.OtherFocusReason)
