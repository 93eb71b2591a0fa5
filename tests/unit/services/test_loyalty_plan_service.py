"""The loyalty plan service (services.loyalty_plan) on both engines: the plan
starts from the source's text, edits are stored in the database's settings,
reset goes back, and what the card shows for a client's state and grade."""

from __future__ import annotations

import pytest

from desktop_crm.domain.enums import Loyalty
from desktop_crm.domain.loyalty_plan import PlanError, advice, default_actions
from desktop_crm.services.loyalty_plan import LoyaltyPlanService
from desktop_crm.storage import care_repo
from desktop_crm.storage.database import Database


def test_edits_are_stored_in_settings_and_reset_goes_back(db: Database) -> None:
    service = LoyaltyPlanService(db)
    assert service.plan().actions(Loyalty.CORE, "A") == default_actions(Loyalty.CORE, "A")
    service.save({(Loyalty.CORE, "A"): "专属客户经理\n每月回访"})
    service.save({(Loyalty.NEW, "B"): "三天内致谢"})  # the earlier edit stays
    again = LoyaltyPlanService(db).plan()
    assert again.actions(Loyalty.CORE, "A") == ["专属客户经理", "每月回访"]
    assert again.actions(Loyalty.NEW, "B") == ["三天内致谢"]
    with db.read() as s:
        stored = care_repo.get_setting(s, "loyalty_plan")
    assert stored["cells"]["core"]["A"] == ["专属客户经理", "每月回访"]
    service.reset()
    assert not LoyaltyPlanService(db).plan().edited


def test_a_refused_edit_writes_nothing(db: Database) -> None:
    service = LoyaltyPlanService(db)
    service.save({(Loyalty.CORE, "A"): "专属客户经理"})
    with pytest.raises(PlanError):
        service.save({(Loyalty.CORE, "B"): "定期拜访", (Loyalty.CORE, "A"): "x" * 3000})
    plan = service.plan()
    assert plan.actions(Loyalty.CORE, "A") == ["专属客户经理"]
    assert not plan.is_edited(Loyalty.CORE, "B")


def test_the_card_gets_advice_and_the_actions_of_its_state_and_grade(db: Database) -> None:
    service = LoyaltyPlanService(db)
    service.save({(Loyalty.CORE, "A"): "专属客户经理"})
    core_a = service.for_client(Loyalty.CORE, "A")
    assert core_a.advice == advice(Loyalty.CORE) and core_a.service_class == "A"
    assert core_a.actions == ["专属客户经理"]
    assert service.for_client(Loyalty.CORE, "B").actions == default_actions(Loyalty.CORE, "B")
    for grade in ("C", None):
        shown = service.for_client(Loyalty.CORE, grade)
        assert shown.service_class is None and shown.actions == [] and shown.advice
    lost = service.for_client(Loyalty.LOST, "A")
    assert not lost.in_plan and lost.actions == [] and lost.advice
    assert service.for_client(None, "A").advice == []
