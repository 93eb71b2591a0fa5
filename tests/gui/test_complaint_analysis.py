"""The complaint analysis pane over a real database: headline figures, the
charts' data, switching the period, the empty state, Chinese, double-clicks,
and screenshots in both languages (to $DESKTOP_CRM_SCREENSHOTS when set)."""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from desktop_crm import i18n
from desktop_crm.domain.client import ClientCard
from desktop_crm.domain.complaint import (
    Complaint,
    ComplaintCategory,
    ComplaintCause,
    ComplaintStatus,
)
from desktop_crm.services.clients import ClientService
from desktop_crm.services.complaints import ComplaintService
from desktop_crm.ui.charts import ColumnChart, HorizontalBarChart, ParetoChart, nice_step
from desktop_crm.ui.complaints.analysis import AnalysisPane
from tests.conftest import Clock

# on a server database too, showing everyone's clients (Mine is the default there)
pytestmark = [pytest.mark.both_engines, pytest.mark.usefixtures("everyone")]

NOW = datetime(2026, 11, 24, 9, 30)
S = ComplaintStatus
LONG_DEPARTMENT = "售后服务与客户关系管理部（华东大区）"

# The pane's messages; used only while resources/i18n/zh.json lacks them.
ZH = {
    "Unassigned": "未指定部门",
    "Cause not classified": "原因未分类",
    "No data": "暂无数据",
    "No complaints in this period.": "该期间没有投诉。",
    "This month": "本月",
    "Last 3 months": "近三个月",
    "This year": "今年",
    "All time": "全部时间",
    "Custom": "自定义",
    "Number of complaints": "投诉次数",
    "Complaint number": "投诉编号",
    "Received on": "受理日期",
    "Category": "类别",
    "Improvement action": "改进措施",
    "Complaints by category": "按类别统计投诉",
    "Complaints by department": "按责任部门统计投诉",
    "Complaints by month": "按月统计投诉",
    "Causes by department (Pareto)": "投诉原因帕累托图（按部门）",
    "Time range": "时间范围",
    "From": "从",
    "To": "至",
    "Followed up within {n} days": "{n} 天内回访率",
    "Repeat complainers": "重复投诉的客户",
    "Improvement actions": "改进措施清单",
    "No client complained more than once in this period.": "该期间没有客户重复投诉。",
    "No improvement actions recorded in this period.": "该期间没有记录改进措施。",
    "Replied within {n} hours": "{n} 小时内答复率",
    "Replied the same day": "当天答复率",
    "Complaints received": "受理投诉数",
    "Average time to first reply": "平均首次答复用时",
    "Average time to resolution": "平均解决用时",
    "Average satisfaction of complainants": "投诉客户平均满意度",
}


@pytest.fixture(autouse=True)
def _chinese_catalog(monkeypatch: pytest.MonkeyPatch) -> None:
    catalog = i18n.catalog("zh")
    for msgid, text in ZH.items():
        if msgid not in catalog:
            monkeypatch.setitem(catalog, msgid, text)


def _seed(db) -> tuple[ComplaintService, dict[str, int]]:  # type: ignore[no-untyped-def]
    """Nine complaints of four clients from July to today; the clock ends at NOW.

    In November: 3 complaints (2 of 曾国方), replied after 4 h and 1 d, one
    resolved in 2 d and followed up in time with satisfaction 4.
    """
    clock = Clock(datetime(2026, 1, 1, 9, 0))
    clients = ClientService(db, clock=clock, user="tester")
    ids = {name: clients.save(ClientCard(name=name))
           for name in ("曾国方", "李娜", "John Smith", "王芳")}
    service = ComplaintService(db, clock=clock, user="tester")
    C, K = ComplaintCategory, ComplaintCause

    def register(client: str, received: datetime, **fields: object) -> int:
        clock.now = received
        stored = service.register(Complaint(client_id=ids[client], received_at=received,
                                            words="…", **fields))  # type: ignore[arg-type]
        assert stored.id is not None
        return stored.id

    def move(complaint_id: int, *steps: tuple[ComplaintStatus, datetime]) -> None:
        for status, when in steps:
            clock.now = when
            service.transition(complaint_id, status)

    d = datetime
    first = register("曾国方", d(2026, 11, 3, 10), department="生产部", cause=K.PRODUCT,
                     category=C.PRODUCT_QUALITY, improvement="加强出厂检验", satisfaction=4)
    move(first, (S.IN_PROGRESS, d(2026, 11, 3, 14)), (S.RESOLVED, d(2026, 11, 5, 14)),
         (S.FOLLOWED_UP, d(2026, 11, 9, 10)))
    second = register("曾国方", d(2026, 11, 10, 9), department="生产部", cause=K.PRODUCT,
                      category=C.PACKAGING)
    move(second, (S.IN_PROGRESS, d(2026, 11, 11, 9)))
    register("李娜", d(2026, 11, 24, 8), department="财务部", cause=K.CUSTOMER,
             category=C.BILLING)
    # before November
    third = register("李娜", d(2026, 10, 15, 9), department=LONG_DEPARTMENT, cause=K.SERVICE,
                     category=C.SERVICE_ATTITUDE, satisfaction=5,
                     improvement="Service etiquette training for every front-desk employee")
    move(third, (S.IN_PROGRESS, d(2026, 10, 15, 11)), (S.RESOLVED, d(2026, 10, 15, 17)),
         (S.FOLLOWED_UP, d(2026, 10, 20, 9)), (S.CLOSED, d(2026, 10, 20, 10)))
    register("John Smith", d(2026, 9, 2, 9), category=C.DELIVERY)
    register("王芳", d(2026, 9, 12, 9), department="生产部", cause=K.PRODUCT,
             category=C.DEFECT)
    register("王芳", d(2026, 7, 8, 9), department="物流部", cause=K.SERVICE,
             category=C.MISUSE)
    register("John Smith", d(2026, 7, 20, 9), department=LONG_DEPARTMENT, cause=K.SERVICE,
             category=C.SERVICE_ATTITUDE)
    register("曾国方", d(2026, 10, 2, 9), department="生产部", cause=K.CUSTOMER,
             category=C.MISUSE)
    clock.now = NOW
    return service, ids


@pytest.fixture
def seeded_pane(qtbot, db):  # type: ignore[no-untyped-def]
    service, ids = _seed(db)
    pane = AnalysisPane(service)
    qtbot.addWidget(pane)
    pane.resize(1200, 900)
    return pane, ids


def _figures(pane: AnalysisPane) -> dict[str, str]:
    return {key: label.text() for key, label in pane.figures.items()}


def test_reads_when_first_shown_then_shows_this_month(qtbot, seeded_pane) -> None:  # type: ignore[no-untyped-def]
    pane, _ids = seeded_pane
    assert pane.analysis is None  # nothing read while hidden
    assert set(_figures(pane).values()) == {"—"}
    pane.show()
    qtbot.waitExposed(pane)
    assert pane.period_key() == "this_month"
    assert (pane.since_edit.date().toPython(), pane.until_edit.date().toPython()) == (
        date(2026, 11, 1), date(2026, 11, 24))
    assert not pane.since_edit.isEnabled()
    assert _figures(pane) == {
        "total": "3",
        "first_reply": "14.0 h",  # (4 + 24) / 2
        "resolution": "2.2 d",  # 52 h
        "same_day": "50% (1/2)",  # the third arrived this morning: not due yet
        "follow_up": "100% (1/1)",
        "satisfaction": "4.0 / 5",
    }
    assert pane.captions["same_day"].text() == "Replied the same day"
    assert pane.captions["follow_up"].text() == "Followed up within 7 days"
    categories = dict(pane.category_chart.bars)
    assert len(categories) == len(ComplaintCategory)  # zeros included
    assert (categories["Product quality"], categories["Packaging"], categories["Billing"],
            categories["Delivery"]) == (1, 1, 1, 0)
    assert pane.department_chart.bars == [("生产部", 2), ("财务部", 1)]
    assert pane.month_chart.bars == [("2026-11", 3)]
    assert pane.pareto_chart.bars == [("生产部 · Product", 2),
                                      ("财务部 · The client's own reasons", 1)]
    assert pane.pareto_chart.cumulative == pytest.approx([2 / 3, 1.0])
    assert pane.repeat_table.rowCount() == 1
    assert pane.repeat_table.item(0, 0).text() == "曾国方"
    assert pane.repeat_table.item(0, 1).text() == "2"
    assert pane.improvement_table.rowCount() == 1
    assert [pane.improvement_table.item(0, c).text() for c in range(4)] == [
        "TS-2026-0001", "2026-11-03", "Product quality", "加强出厂检验"]
    assert pane.empty_label.isHidden() and pane.details.isVisible()


def test_a_longer_period_counts_more(qtbot, seeded_pane) -> None:  # type: ignore[no-untyped-def]
    pane, _ids = seeded_pane
    pane.show()
    pane.set_period("all")
    assert pane.figures["total"].text() == "9"
    # the date editors show the span of all complaints
    assert (pane.since_edit.date().toPython(), pane.until_edit.date().toPython()) == (
        date(2026, 7, 1), date(2026, 11, 24))
    assert pane.month_chart.bars == [("2026-07", 2), ("2026-08", 0), ("2026-09", 2),
                                     ("2026-10", 2), ("2026-11", 3)]
    assert dict(pane.department_chart.bars) == {"生产部": 4, LONG_DEPARTMENT: 2, "财务部": 1,
                                                "物流部": 1, "Unassigned": 1}
    assert pane.department_chart.bars[-1] == ("Unassigned", 1)
    assert sum(v for _l, v in pane.category_chart.bars) == 9
    assert pane.pareto_chart.bars[0] == ("生产部 · Product", 3)
    assert pane.pareto_chart.cumulative[-1] == 1.0
    counts = [v for _l, v in pane.pareto_chart.bars]
    assert counts == sorted(counts, reverse=True) and sum(counts) == 9
    # four of the clients complained twice
    assert pane.repeat_table.rowCount() == 4
    assert pane.repeat_table.item(0, 0).text() == "曾国方"
    assert pane.repeat_table.item(0, 1).text() == "3"
    assert pane.improvement_table.rowCount() == 2

    pane.set_period("last_3_months")
    assert (pane.since_edit.date().toPython(), pane.until_edit.date().toPython()) == (
        date(2026, 9, 1), date(2026, 11, 24))
    assert pane.figures["total"].text() == "7"
    assert [m for m, _n in pane.month_chart.bars] == ["2026-09", "2026-10", "2026-11"]

    pane.set_period("this_year")
    assert pane.figures["total"].text() == "9"
    assert len(pane.month_chart.bars) == 11  # January to November, empty months included
    assert pane.month_chart.bars[0] == ("2026-01", 0)


def test_custom_period_from_the_date_editors(qtbot, seeded_pane) -> None:  # type: ignore[no-untyped-def]
    pane, _ids = seeded_pane
    pane.show()
    pane.period.setCurrentIndex(pane.period.findData("custom"))
    assert pane.since_edit.isEnabled() and pane.until_edit.isEnabled()
    pane.since_edit.setDate(date(2026, 10, 1))
    pane.until_edit.setDate(date(2026, 10, 31))
    assert pane.figures["total"].text() == "2"
    assert pane.month_chart.bars == [("2026-10", 2)]
    assert _figures(pane)["satisfaction"] == "5.0 / 5"
    # the dates the wrong way round still mean the same period
    pane.set_period("custom", date(2026, 10, 31), date(2026, 10, 1))
    assert pane.figures["total"].text() == "2"
    assert pane.date_range() == (date(2026, 10, 1), date(2026, 10, 31))


def test_empty_period_shows_the_empty_text(qtbot, seeded_pane) -> None:  # type: ignore[no-untyped-def]
    pane, _ids = seeded_pane
    pane.show()
    pane.set_period("custom", date(2026, 1, 1), date(2026, 3, 31))
    assert pane.empty_label.isVisible()
    assert pane.empty_label.text() == "No complaints in this period."
    assert pane.details.isHidden()
    assert _figures(pane) == {"total": "0", "first_reply": "—", "resolution": "—",
                              "same_day": "—", "follow_up": "—", "satisfaction": "—"}
    assert pane.month_chart.bars == [("2026-01", 0), ("2026-02", 0), ("2026-03", 0)]


def test_reply_hours_setting_changes_the_caption_and_share(qtbot, db, seeded_pane) -> None:  # type: ignore[no-untyped-def]
    pane, _ids = seeded_pane
    pane.service.set_reply_hours(3)
    pane.show()
    assert pane.captions["same_day"].text() == "Replied within 3 hours"
    # 4 h and 1 d are late; the one of 8:00 today is due at 11:00, not counted yet
    assert pane.figures["same_day"].text() == "0% (0/2)"


def test_refresh_and_invalidate_pick_up_new_complaints(qtbot, seeded_pane) -> None:  # type: ignore[no-untyped-def]
    pane, ids = seeded_pane
    pane.show()
    assert pane.figures["total"].text() == "3"
    pane.service.register(Complaint(client_id=ids["王芳"], received_at=NOW - timedelta(hours=1),
                                    words="…", department="物流部"))
    pane.invalidate()
    assert pane.figures["total"].text() == "4"
    assert pane.repeat_table.rowCount() == 1
    pane.hide()
    pane.service.register(Complaint(client_id=ids["王芳"], received_at=NOW, words="…"))
    pane.invalidate()
    assert pane.figures["total"].text() == "4"  # hidden: read when shown again
    pane.show()
    assert pane.figures["total"].text() == "5"
    assert pane.repeat_table.rowCount() == 2


def test_chinese(qtbot, seeded_pane) -> None:  # type: ignore[no-untyped-def]
    pane, _ids = seeded_pane
    pane.show()
    pane.set_period("all")
    i18n.set_language("zh")
    pane.retranslate()
    assert pane.period.currentText() == "全部时间"
    assert pane.captions["follow_up"].text() == "7 天内回访率"
    assert pane.figures["first_reply"].text().endswith("小时")
    assert pane.figures["resolution"].text().endswith("天")
    assert dict(pane.category_chart.bars)["产品质量"] == 1
    assert dict(pane.department_chart.bars)["未指定部门"] == 1
    assert pane.pareto_chart.bars[0] == ("生产部 · 产品", 3)
    assert pane.improvement_table.horizontalHeaderItem(3).text() == "改进措施"
    assert pane.improvement_table.item(0, 2).text() == "产品质量"
    assert pane.repeat_title.text() == "重复投诉的客户"
    i18n.set_language("en")
    pane.retranslate()
    assert pane.period.currentText() == "All time"


def test_double_clicks_open_the_client_and_the_complaint(qtbot, seeded_pane) -> None:  # type: ignore[no-untyped-def]
    pane, ids = seeded_pane
    pane.show()
    with qtbot.waitSignal(pane.client_activated) as client:
        pane.repeat_table.cellDoubleClicked.emit(0, 1)
    assert client.args == [ids["曾国方"]]
    with qtbot.waitSignal(pane.complaint_activated) as complaint:
        pane.improvement_table.cellDoubleClicked.emit(0, 3)
    assert complaint.args == [c.id for c in pane.service.find() if c.number == "TS-2026-0001"]


def test_charts_alone(qtbot) -> None:  # type: ignore[no-untyped-def]
    assert [nice_step(n) for n in (1, 5, 6, 11, 30, 240)] == [1, 1, 2, 5, 10, 50]
    bars = HorizontalBarChart("Complaints by category")
    columns = ColumnChart("Complaints by month")
    pareto = ParetoChart("Causes by department (Pareto)")
    for chart in (bars, columns, pareto):
        qtbot.addWidget(chart)
        chart.resize(300, 200)
        assert not chart.grab().isNull()  # the empty state
        assert chart.toolTip() == ""
    many = [(f"{m:02d}", m % 4) for m in range(1, 40)]
    columns.set_data(many)
    assert columns.toolTip().splitlines()[0] == "01: 1"
    assert not columns.grab().isNull()
    with pytest.raises(ValueError):
        pareto.set_pareto([("a", 1)], [])
    pareto.set_pareto([("a", 3), ("b", 1)], [0.75, 1.0])
    assert pareto.toolTip() == "a: 3 (75%)\nb: 1 (100%)"
    bars.set_data([(LONG_DEPARTMENT, 3), ("x", 1)] * 10)
    assert bars.minimumSizeHint().height() > 20 * bars.fontMetrics().height()


def test_screenshots_in_both_languages(qtbot, seeded_pane, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pane, _ids = seeded_pane
    out = Path(os.environ.get("DESKTOP_CRM_SCREENSHOTS", tmp_path))
    out.mkdir(parents=True, exist_ok=True)
    pane.resize(1280, 1300)
    pane.show()
    qtbot.waitExposed(pane)
    pane.set_period("all")
    for lang in ("zh", "en"):
        i18n.set_language(lang)
        pane.retranslate()
        qtbot.wait(10)
        image = pane.grab()
        assert not image.isNull()
        assert image.save(str(out / f"complaint-analysis-{lang}.png"))
        # each chart on its own, at a narrow size
        for name in ("category_chart", "department_chart", "month_chart", "pareto_chart"):
            chart = getattr(pane, name)
            assert chart.grab().save(str(out / f"complaint-analysis-{lang}-{name}.png"))
    pane.resize(760, 1300)
    pane.set_period("this_year")
    for lang in ("zh", "en"):
        i18n.set_language(lang)
        pane.retranslate()
        qtbot.wait(10)
        assert pane.grab().save(str(out / f"complaint-analysis-{lang}-narrow.png"))
    assert (out / "complaint-analysis-zh.png").stat().st_size > 10_000
    assert pane.windowFlags() & Qt.WindowType.Window  # a top-level window in this test
