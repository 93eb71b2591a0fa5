"""Issue 16's proof: clients and orders imported from spreadsheets (written
here with openpyxl) give the loyalty KPIs computed by hand, through the
command line (``import``, ``import --kind orders``, ``kpi --json``), on both
engines."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from desktop_crm.cli import main
from tests.conftest import write_xlsx

_xlsx = write_xlsx


CLIENTS = [["姓名", "公司", "手机"],
           ["张伟", "华为", "13800000001"],   # A: buys before P', in P' and in P
           ["李娜", "腾讯", "13800000002"],   # B: buys in P' only: churned
           ["王芳", "阿里", "13800000003"],   # C: first won order in P (and a quote, a loss)
           ["赵磊", "京东", "13800000004"],   # D: buys in P' and in P: retained
           ["陈静", None, "13800000005"]]     # E: first won order in P, named without company

# P = 2025-04-01..2025-06-30 (three whole months), P' = 2025-01-01..2025-03-31
ORDERS = [["客户", "公司", "手机", "订单日期", "产品", "金额", "状态", "丢单原因"],
          ["张伟", "华为", None, datetime(2024, 11, 10), "服务器", 1000, None, None],
          [None, None, "138 0000 0001", "2025-02-10", "服务器", 2000, None, None],
          ["张伟", "华为", None, "2025年4月15日", "维保", "¥3,000", None, None],
          ["张伟", "华为", None, "2025-04-15", "维保", 3000, None, None],  # repeats: skipped
          [None, None, "+86 13800000001", "2025/5/20", "培训", 1500, "已回款", None],
          ["李娜", "腾讯", None, "2025-03-01", "咨询", 800, "已交付", None],
          ["王芳", "阿里", None, "2025-05-05", "服务器", 4000, "成交", None],
          ["王芳", "阿里", None, "2025-06-01", "交换机", 9999, "报价", None],  # not won
          ["王芳", "阿里", None, "2025-06-02", "防火墙", 500, "丢单", "预算取消"],  # not won
          [None, None, "13800000004", "2025-01-15", "咨询", 600, None, None],
          ["赵磊", "京东", None, "2025-06-10", "维保", 900, "delivered", None],
          ["陈静", None, None, "2025-04-20", "服务器", 2500, "won", None]]


def test_kpis_of_spreadsheets_imported_match_figures_computed_by_hand(
        tmp_path: Path, db_target: str, capsys: pytest.CaptureFixture[str]) -> None:
    clients = _xlsx(tmp_path / "客户.xlsx", CLIENTS)
    orders = _xlsx(tmp_path / "销售记录.xlsx", ORDERS)
    assert main(["import", str(clients), "--db", db_target]) == 0
    assert main(["import", str(orders), "--kind", "orders", "--db", db_target]) == 0
    out = capsys.readouterr().out
    assert "12 rows: 11 new orders, 1 skipped, 0 with errors" in out
    assert main(["kpi", "--db", db_target, "--from", "2025-04-01", "--to", "2025-06-30",
                 "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["previous"] == {"from": "2025-01-01", "to": "2025-03-31"}
    kpis = report["kpis"]
    # won orders in P: A 3000 + 1500, C 4000, D 900, E 2500 (C's quote and lost deal are not)
    assert kpis["average_purchase"] == pytest.approx(11900 / 5)
    # five won orders among four clients (A, C, D, E)
    assert kpis["purchase_frequency"] == pytest.approx(5 / 4)
    # won orders in P': A, B, D; of these B bought nothing in P
    assert kpis["churn_rate"] == pytest.approx(1 / 3)
    assert kpis["client_retention"] == pytest.approx(2 / 3)
    # first won order ever in P: C and E, over three months
    assert kpis["new_clients_per_month"] == pytest.approx(2 / 3)
