"""Strategy by loyalty state and the loyalty plan (domain.loyalty_plan)."""

from __future__ import annotations

import pytest

from desktop_crm.domain.enums import Loyalty
from desktop_crm.domain.loyalty_plan import (
    PLAN_STATES,
    SERVICE_CLASSES,
    LoyaltyPlan,
    PlanError,
    advice,
    default_actions,
    service_class,
)
from desktop_crm.i18n import set_language


def test_every_state_has_advice_and_the_source_s_strategies_are_there() -> None:
    for state in Loyalty:
        assert advice(state), state
    core = " ".join(advice(Loyalty.CORE))
    for words in ("pyramid", "Customise", "feedback", "Cross-sell"):
        assert words in core
    advocate = " ".join(advice(Loyalty.ADVOCATE))
    for words in ("word of mouth", "refer", "new-product design"):
        assert words in advocate


def test_the_plan_is_the_source_s_grid_of_seven_states_by_a_and_b_service() -> None:
    assert [s.value for s in PLAN_STATES] == ["prospect", "at_risk", "new", "inactive",
                                              "active_regular", "core", "advocate"]
    plan = LoyaltyPlan()
    for state in PLAN_STATES:
        for cls in SERVICE_CLASSES:
            assert plan.actions(state, cls) and not plan.is_edited(state, cls)
    assert Loyalty.LOST not in PLAN_STATES


def test_grades_map_to_service_classes() -> None:
    assert [service_class(g) for g in ("A", "B", "C", None)] == ["A", "B", None, None]


def test_an_untouched_cell_follows_the_language_an_edited_one_keeps_its_text() -> None:
    plan = LoyaltyPlan().with_texts({
        (Loyalty.CORE, "A"): "• 每季度上门回访\n\n- 定制服务方案  \n",
        (Loyalty.CORE, "B"): "\n".join(default_actions(Loyalty.CORE, "B")),
    })
    assert plan.actions(Loyalty.CORE, "A") == ["每季度上门回访", "定制服务方案"]
    assert not plan.is_edited(Loyalty.CORE, "B")
    try:
        set_language("zh")
        assert plan.actions(Loyalty.CORE, "B")[0] == "定期拜访"
        assert advice(Loyalty.CORE)[0].startswith("画出")
    finally:
        set_language("en")
    emptied = plan.with_texts({(Loyalty.NEW, "B"): "  \n"})
    assert emptied.actions(Loyalty.NEW, "B") == []


def test_the_plan_survives_json_and_damaged_json_falls_back() -> None:
    plan = LoyaltyPlan().with_texts({(Loyalty.ADVOCATE, "B"): "请他们推荐客户"})
    assert LoyaltyPlan.from_json(plan.to_json()) == plan
    assert plan.to_json() == {"version": 1, "cells": {"advocate": {"B": ["请他们推荐客户"]}}}
    for junk in (None, 3, {"cells": []}, {"cells": {"nobody": {"A": ["x"]}}},
                 {"cells": {"core": {"C": ["x"], "A": "not a list", "B": [1]}}}):
        assert LoyaltyPlan.from_json(junk) == LoyaltyPlan()


def test_a_cell_too_long_is_refused() -> None:
    with pytest.raises(PlanError, match="at most"):
        LoyaltyPlan().with_texts({(Loyalty.CORE, "A"): "x" * 2001})
    with pytest.raises(PlanError):
        LoyaltyPlan().with_texts({(Loyalty.LOST, "A"): "回访"})
