"""The evaluation tab driven like a user: choose a client, fill the form, watch
the live result, save, and check the screen and the database; the scheme
editor; the list model; language switching; screenshots."""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from desktop_crm.domain.scoring import default_scheme, evaluate, grade_strategy
from desktop_crm.services.clients import ClientService
from desktop_crm.services.evaluations import EvaluationService
from desktop_crm.ui.evaluation.advice import grade_caption, lift_to_next_grade
from desktop_crm.ui.evaluation.charts import GradeDistributionChart, ScoreHistoryChart
from desktop_crm.ui.evaluation.list_model import EvaluationListModel
from desktop_crm.ui.main_window import MainWindow

# on a server database too, showing everyone's clients (Mine is the default there)
pytestmark = [pytest.mark.both_engines, pytest.mark.usefixtures("everyone")]

WORKED_EXAMPLE = {"sales_attainment": 80, "cooperation": "good", "late_payments": 3,
                  "information": "valuable"}


def _type_number(qtbot, spin, text: str) -> None:  # type: ignore[no-untyped-def]
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, text)


def _choose(combo, data: str) -> None:  # type: ignore[no-untyped-def]
    index = combo.findData(data)
    assert index > 0, data
    combo.setCurrentIndex(index)


def _fill_worked_example(qtbot, form) -> None:  # type: ignore[no-untyped-def]
    _type_number(qtbot, form.inputs["sales_attainment"], "80")
    _choose(form.inputs["cooperation"], "good")
    _type_number(qtbot, form.inputs["late_payments"], "3")
    _choose(form.inputs["information"], "valuable")


def _open(window, client_id: int):  # type: ignore[no-untyped-def]
    window.tabs.setCurrentWidget(window.evaluation)
    window.evaluation.select_client(client_id)
    return window.evaluation


def _row_texts(model, client_id: int) -> list[str]:  # type: ignore[no-untyped-def]
    row = model.row_of(client_id)
    assert row is not None
    return [model.data(model.index(row, c)) for c in range(model.columnCount())]


def test_worked_example_shows_live_then_saves(qtbot, db, seeded, window):  # type: ignore[no-untyped-def]
    client = seeded["李娜"]
    window.clients._select(client)  # the card is open in the other tab
    assert window.clients.editor.grade.text() == "Not evaluated yet."
    tab = _open(window, client)
    form = tab.form
    assert tab.name.text().startswith("李娜")
    assert tab.current_grade.text() == "Not evaluated yet."
    assert form.isEnabled() and form.client_id == client
    assert "Rate every criterion" in form.hint.text()
    assert tab.history_chart.points == []

    _fill_worked_example(qtbot, form)
    # before saving: the source's worked example lands in B, shown on screen
    assert form.total.isVisible()
    assert form.total.text() == "75.0"
    assert form.grade.text() == "Grade B Promising client"
    assert form.strategy.text() == grade_strategy("B")
    assert [form.points[k].text() for k in WORKED_EXAMPLE] == ["80", "75", "40", "100"]
    assert [form.contributions[k].text() for k in WORKED_EXAMPLE] == [
        "32.0 / 40", "15.0 / 20", "8.0 / 20", "20.0 / 20"]
    assert form.hint.text() == ("5.0 more points needed for A; e.g. Sales target attainment "
                                "at 92.5% would do it.")
    assert EvaluationService(db).history(client) == []

    _type_number(qtbot, form.inputs["sales_attainment"], "100")  # live update
    assert form.total.text() == "83.0"
    assert form.grade.text() == "Grade A Key client"
    assert form.strategy.text() == grade_strategy("A")
    assert form.hint.text() == "Already in the top grade."

    type_notes = "大单，付款慢"
    form.notes.setText(type_notes)
    with qtbot.waitSignal(tab.evaluated) as blocker:
        qtbot.keyClick(form.notes, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert blocker.args == [client]

    history = EvaluationService(db).history(client)
    assert len(history) == 1
    saved = history[0]
    assert (saved.total, saved.grade, saved.scheme_version) == (83.0, "A", 1)
    assert saved.inputs == {**WORKED_EXAMPLE, "sales_attainment": 100.0}
    assert saved.notes == type_notes
    assert saved.period_end - saved.period_start == timedelta(days=90)
    assert "Saved: 83.0 points, grade A." in form.status.text()
    # the screen follows: list row, header, chart, table, distribution, the card
    assert _row_texts(tab.model, client)[2:] == ["A Key client", "", saved.evaluated_on
                                                 .isoformat(), ""]
    assert tab.current_grade.text().startswith("Grade A: Key client (A).")
    assert len(tab.history_chart.points) == 1
    assert tab.history_chart.points[0][1:] == (83.0, "A")
    assert tab.history_table.rowCount() == 1
    assert [tab.history_table.item(0, c).text() for c in (2, 3, 4)] == ["83.0", "A", "v1"]
    assert tab.distribution.counts == {"A": 1, "B": 0, "C": 0, "unrated": 2}
    assert window.clients.editor.grade.text().startswith("Grade A: Key client (A).")


def test_invalid_input_is_shown_at_the_field_and_nothing_is_saved(qtbot, db, seeded, window):  # type: ignore[no-untyped-def]
    client = seeded["曾国方"]
    form = _open(window, client).form
    _type_number(qtbot, form.inputs["sales_attainment"], "80")
    _choose(form.inputs["cooperation"], "good")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)  # information not rated
    assert form.error.isVisible()
    assert "Information sharing: choose a rating" in form.error.text()
    assert form.inputs["information"].property("invalid")
    assert EvaluationService(db).history(client) == []

    _choose(form.inputs["information"], "some")
    assert not form.error.isVisible()  # editing clears the message
    assert not form.inputs["information"].property("invalid")
    end = form.period_end.date()
    form.period_start.setDate(end.addDays(5))
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert form.error.isVisible()
    assert form.error.text() == "Not saved: The period starts after it ends"
    assert form.period_start.property("invalid") and form.period_end.property("invalid")
    assert form.period_start.toolTip() == "The period starts after it ends"
    assert EvaluationService(db).history(client) == []
    assert _row_texts(window.evaluation.model, client)[2] == "—"

    form.period_start.setDate(end.addDays(-30))
    with qtbot.waitSignal(form.saved):
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert not form.error.isVisible()
    saved = EvaluationService(db).history(client)
    assert len(saved) == 1 and saved[0].period_start == saved[0].period_end - timedelta(days=30)


def test_scheme_dialog_refuses_bad_weights_and_saves_a_new_version(qtbot, db, seeded, window):  # type: ignore[no-untyped-def]
    client = seeded["John Smith"]
    tab = _open(window, client)
    _fill_worked_example(qtbot, tab.form)
    with qtbot.waitSignal(tab.evaluated):
        tab.form.save()
    assert tab.form.criteria_box.title() == "Evaluation under scheme version 1"

    # Escape cancels
    dialog = tab.edit_scheme()
    qtbot.waitExposed(dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert tab.scheme_dialog is None

    dialog = tab.edit_scheme()
    qtbot.waitExposed(dialog)
    assert dialog.weight_sum.text() == "Sum of the weights: 100"
    dialog.weights["sales_attainment"].setValue(30)
    assert dialog.weight_sum.text() == "Sum of the weights: 90"
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()  # refused, stays open
    assert dialog.error.isVisible()
    assert dialog.error.text() == "Not saved: The weights add up to 90, not 100"
    assert EvaluationService(db).scheme().version == 1

    dialog.weights["sales_attainment"].setValue(50)
    dialog.weights["cooperation"].setValue(10)
    assert not dialog.error.isVisible()
    dialog.threshold_a.setValue(85)
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    scheme = EvaluationService(db).scheme()
    assert scheme.version == 2 and scheme.threshold_a == 85
    assert {c.key: c.weight for c in scheme.criteria}["sales_attainment"] == 50
    assert tab.form.criteria_box.title() == "Evaluation under scheme version 2"
    assert tab.history_chart.threshold_a == 85

    # the form was rebuilt with the new weights and kept the inputs
    assert tab.form.total.text() == "75.5"  # 40 + 7.5 + 8 + 20
    assert tab.form.contributions["sales_attainment"].text() == "40.0 / 50"
    with qtbot.waitSignal(tab.evaluated):
        tab.form.save()
    history = EvaluationService(db).history(client)
    assert [(e.scheme_version, e.total) for e in history] == [(1, 75.0), (2, 75.5)]
    table = tab.history_table
    rows = [[table.item(r, c).text() for c in (2, 3, 4)] for r in range(table.rowCount())]
    assert rows == [["75.5", "B", "v2"], ["75.0", "B", "v1"]]  # newest first
    assert len(tab.history_chart.points) == 2


def test_due_filter_grade_filter_and_search(qtbot, db, seeded, window):  # type: ignore[no-untyped-def]
    service = EvaluationService(db)
    service.evaluate_client(seeded["李娜"], WORKED_EXAMPLE)
    long_ago = date.today() - timedelta(days=200)
    service.evaluate_client(seeded["曾国方"], {**WORKED_EXAMPLE, "sales_attainment": 100},
                            evaluated_on=long_ago)
    tab = window.evaluation
    window.tabs.setCurrentWidget(tab)  # picks up evaluations made elsewhere
    assert tab.model.rowCount() == 3
    assert tab.count_label.text() == "3 clients"
    tab.due_only.setChecked(True)
    due = {tab.model.data(tab.model.index(r, 0)) for r in range(tab.model.rowCount())}
    assert due == {"曾国方", "John Smith"}
    assert all(tab.model.data(tab.model.index(r, 5)) == "Due"
               for r in range(tab.model.rowCount()))
    tab.grade_filter.setCurrentIndex(tab.grade_filter.findData("unrated"))
    assert [tab.model.data(tab.model.index(r, 0)) for r in range(tab.model.rowCount())] == [
        "John Smith"]
    tab.due_only.setChecked(False)
    tab.grade_filter.setCurrentIndex(tab.grade_filter.findData("A"))
    assert tab.grade_filter.currentText() == "A Key client"
    assert [tab.model.data(tab.model.index(r, 0)) for r in range(tab.model.rowCount())] == [
        "曾国方"]
    qtbot.keyClicks(tab.search, "js")
    assert tab.model.rowCount() == 0
    assert tab.empty_label.isVisible()
    # select_client clears what hides the client
    tab.select_client(seeded["John Smith"])
    assert tab.search.text() == "" and tab.grade_filter.currentIndex() == 0
    assert tab.model.id_at(tab.view.currentIndex().row()) == seeded["John Smith"]
    assert tab.distribution.counts == {"A": 1, "B": 1, "C": 0, "unrated": 1}


def test_list_model_passes_the_model_tester_and_sorts_in_sql(qtmodeltester, db, seeded):  # type: ignore[no-untyped-def]
    evaluations = EvaluationService(db)
    evaluations.evaluate_client(seeded["李娜"], WORKED_EXAMPLE,
                                evaluated_on=date.today() - timedelta(days=10))
    evaluations.evaluate_client(seeded["李娜"], {**WORKED_EXAMPLE, "sales_attainment": 100})
    evaluations.evaluate_client(seeded["John Smith"], {**WORKED_EXAMPLE, "late_payments": 5})
    model = EvaluationListModel(ClientService(db), evaluations)
    model.refresh()
    qtmodeltester.check(model)
    assert model.rowCount() == 3
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(6)] == [
        "Name", "Company", "Grade", "Change", "Last evaluated", "Due"]
    today = date.today().isoformat()
    assert _row_texts(model, seeded["李娜"]) == ["李娜", "上海云帆贸易有限公司", "A Key client",
                                                "B→A", today, ""]
    assert _row_texts(model, seeded["曾国方"])[2:] == ["—", "", "—", "Due"]
    assert model.data(model.index(model.row_of(seeded["李娜"]) or 0, 3),
                      Qt.ItemDataRole.ForegroundRole) is not None

    names = lambda: [model.data(model.index(r, 0)) for r in range(model.rowCount())]  # noqa: E731
    model.sort(2, Qt.SortOrder.AscendingOrder)
    assert model.flt.sort == "grade"
    assert names() == ["曾国方", "李娜", "John Smith"]  # unrated, A, C
    model.sort(2, Qt.SortOrder.DescendingOrder)
    assert names() == ["John Smith", "李娜", "曾国方"]
    model.sort(4, Qt.SortOrder.AscendingOrder)
    assert model.flt.sort == "last_evaluated"
    model.sort(1, Qt.SortOrder.AscendingOrder)  # company: not sortable here
    assert model.flt.sort == "last_evaluated"
    qtmodeltester.check(model)


def test_lift_to_the_next_grade() -> None:
    scheme = default_scheme()
    result = evaluate(scheme, WORKED_EXAMPLE)
    lift = lift_to_next_grade(scheme, WORKED_EXAMPLE, result)
    assert lift is not None and lift.criterion is not None
    assert (lift.grade, lift.points, lift.criterion.key, lift.percent) == (
        "A", 5.0, "sales_attainment", 92.5)
    assert evaluate(scheme, {**WORKED_EXAMPLE, "sales_attainment": lift.percent}).grade == "A"
    weak = {"sales_attainment": 0, "cooperation": "poor", "late_payments": 5,
            "information": "none"}
    lift = lift_to_next_grade(scheme, weak, evaluate(scheme, weak))
    assert lift is not None and (lift.grade, lift.points, lift.percent) == ("B", 52.0, None)
    top = {**WORKED_EXAMPLE, "sales_attainment": 100}
    assert lift_to_next_grade(scheme, top, evaluate(scheme, top)) is None
    assert grade_caption("B") == "B Promising client"
    assert grade_caption(None) == "—"


def test_language_switch_retranslates_the_tab(qtbot, db, seeded, window):  # type: ignore[no-untyped-def]
    EvaluationService(db).evaluate_client(seeded["李娜"], WORKED_EXAMPLE)
    tab = _open(window, seeded["李娜"])
    _fill_worked_example(qtbot, tab.form)
    window.language_actions["zh"].trigger()
    assert window.tabs.tabText(2) == "客户评估"
    assert tab.scheme_button.text() == "修改评估方案…"
    assert tab.due_only.text() == "仅看待评估"
    assert tab.grade_filter.itemText(0) == "全部等级"
    assert tab.grade_filter.itemText(2) == "B 有发展前途的客户"
    assert tab.model.headerData(2, Qt.Orientation.Horizontal) == "等级"
    assert _row_texts(tab.model, seeded["李娜"])[2] == "B 有发展前途的客户"
    assert tab.form.save_button.text().startswith("保存评估")
    assert tab.form.grade.text() == "等级 B 有发展前途的客户"
    assert tab.form.inputs["cooperation"].currentText() == "良好"
    assert tab.form.hint.text().startswith("还差 5.0 分可升为 A 级")
    assert tab.current_grade.text().startswith("等级 B：")
    assert tab.history_table.horizontalHeaderItem(0).text() == "日期"
    assert tab.distribution.label("unrated") == "未评级"
    dialog = tab.edit_scheme()
    assert dialog.windowTitle() == "评估方案"
    window.language_actions["en"].trigger()
    assert dialog.windowTitle() == "Scoring scheme"
    assert tab.form.grade.text() == "Grade B Promising client"
    dialog.reject()


def test_evaluate_from_the_card_opens_the_tab_on_that_client(qtbot, seeded, window):  # type: ignore[no-untyped-def]
    window.clients._select(seeded["曾国方"])
    qtbot.mouseClick(window.clients.editor.evaluate_button, Qt.MouseButton.LeftButton)
    assert window.tabs.currentWidget() is window.evaluation
    assert window.evaluation.client_id == seeded["曾国方"]
    assert window.evaluation.form.client_id == seeded["曾国方"]


def test_splitter_is_remembered(qtbot, db, settings):  # type: ignore[no-untyped-def]
    first = MainWindow(db, settings)
    qtbot.addWidget(first)
    first.show()
    first.evaluation.splitter.setSizes([250, 750])
    sizes = first.evaluation.splitter.sizes()
    first.close()
    assert settings.value("window/evaluation_splitter") is not None
    second = MainWindow(db, settings)
    qtbot.addWidget(second)
    second.show()
    restored = second.evaluation.splitter.sizes()
    assert abs(restored[0] / sum(restored) - sizes[0] / sum(sizes)) < 0.2


def test_charts_draw_at_small_size(qtbot) -> None:  # type: ignore[no-untyped-def]
    size = (360, 200)
    history = ScoreHistoryChart()
    qtbot.addWidget(history)
    history.resize(*size)
    assert not history.grab().isNull()  # the empty state
    assert history.toolTip() == "No evaluations yet"
    points = [
        _evaluation(date(2026, 5, 20), 69.8, "B"), _evaluation(date(2026, 8, 20), 90.0, "A"),
    ]
    history.set_data(points, 80, 60)
    assert [p[2] for p in history.points] == ["B", "A"]
    assert not history.grab().isNull()
    bars = GradeDistributionChart()
    qtbot.addWidget(bars)
    bars.resize(*size)
    bars.set_data({"A": 3, "B": 5})
    assert bars.counts == {"A": 3, "B": 5, "C": 0, "unrated": 0}
    assert bars.toolTip() == "A: 3, B: 5, C: 0, Unrated: 0"
    assert not bars.grab().isNull()
    assert history.minimumSizeHint().width() <= size[0]
    assert bars.minimumSizeHint().height() <= size[1]


def _evaluation(when: date, total: float, grade: str):  # type: ignore[no-untyped-def]
    from desktop_crm.domain.evaluation import Evaluation

    return Evaluation(client_id=1, period_start=when - timedelta(days=90), period_end=when,
                      evaluated_on=when, inputs={}, points={}, total=total, grade=grade)


def test_screenshots_in_both_languages(qtbot, db, settings, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Renders the tab and the scheme dialog with demo data; the PNGs go to
    $DESKTOP_CRM_SCREENSHOTS when set (for people to look at)."""
    from desktop_crm.services.demo import generate

    generate(db, 60, seed=3)
    evaluations = EvaluationService(db)
    target = ClientService(db).search("")[0].id
    for days, sales in ((150, 60), (60, 85), (5, 100)):
        evaluations.evaluate_client(target, {**WORKED_EXAMPLE, "sales_attainment": sales},
                                    evaluated_on=date.today() - timedelta(days=days))
    out = Path(os.environ.get("DESKTOP_CRM_SCREENSHOTS", tmp_path))
    out.mkdir(parents=True, exist_ok=True)
    win = MainWindow(db, settings)
    qtbot.addWidget(win)
    win.resize(1400, 860)
    win.show()
    qtbot.waitExposed(win)
    for lang in ("zh", "en"):
        win.switch_language(lang)
        win.evaluate_client(target)
        _fill_worked_example(qtbot, win.evaluation.form)
        qtbot.wait(10)
        image = win.grab()
        assert not image.isNull()
        assert image.save(str(out / f"evaluation-{lang}.png"))
        dialog = win.evaluation.edit_scheme()
        qtbot.waitExposed(dialog)
        assert dialog.grab().save(str(out / f"evaluation-scheme-{lang}.png"))
        dialog.reject()
        for name, chart in (("history", win.evaluation.history_chart),
                            ("distribution", win.evaluation.distribution)):
            assert chart.grab().save(str(out / f"evaluation-{name}-{lang}.png"))
    assert (out / "evaluation-zh.png").stat().st_size > 10_000
    assert win.evaluation.history_table.rowCount() >= 3
