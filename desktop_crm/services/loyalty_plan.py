"""The loyalty plan (忠诚计划) as the user edited it, kept in the database's
settings (app_settings, key ``loyalty_plan``) so every computer on a shared
database sees the same plan; and what the card shows for a client."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from desktop_crm.domain.enums import Loyalty
from desktop_crm.domain.loyalty_plan import (
    PLAN_STATES,
    LoyaltyPlan,
    advice,
    service_class,
)
from desktop_crm.storage import care_repo
from desktop_crm.storage.database import Database

SETTING_KEY = "loyalty_plan"


@dataclass(frozen=True)
class ClientAdvice:
    """What the card shows for one client.

    Attributes:
        advice: the strategy for its loyalty state (empty without a state).
        service_class: "A" or "B" from its grade; None for grade C or unrated.
        actions: the plan's actions for its state and service class (empty when
            either is missing, or the state has no row in the plan: lost).
        in_plan: the state has a row in the plan.
    """

    advice: list[str]
    service_class: str | None
    actions: list[str]
    in_plan: bool


class LoyaltyPlanService:
    """Reads, saves and resets the loyalty plan."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def plan(self) -> LoyaltyPlan:
        with self.db.read() as s:
            return LoyaltyPlan.from_json(care_repo.get_setting(s, SETTING_KEY))

    def save(self, texts: Mapping[tuple[Loyalty, str], str]) -> LoyaltyPlan:
        """Store the cells' texts (one action a line) over the current plan;
        raises PlanError (nothing written) for a cell too long."""
        with self.db.session() as s:
            plan = LoyaltyPlan.from_json(care_repo.get_setting(s, SETTING_KEY))
            plan = plan.with_texts(texts)
            care_repo.set_setting(s, SETTING_KEY, plan.to_json())
        return plan

    def reset(self) -> LoyaltyPlan:
        """Back to the source's plan."""
        with self.db.session() as s:
            care_repo.set_setting(s, SETTING_KEY, LoyaltyPlan().to_json())
        return LoyaltyPlan()

    def for_client(self, loyalty: Loyalty | None, grade: str | None) -> ClientAdvice:
        cls = service_class(grade)
        in_plan = loyalty in PLAN_STATES
        actions = (self.plan().actions(loyalty, cls)
                   if loyalty is not None and in_plan and cls else [])
        return ClientAdvice(advice(loyalty) if loyalty else [], cls, actions, in_plan)
