"""Strategy by loyalty state (根据客户忠诚度状态采取不同策略) and the loyalty
plan (忠诚计划).

The source gives a strategy for core clients (核心客户: draw the pyramid of top
clients, customise service, collect feedback all the time, cross-sell) and for
advocates (拥护者: their word of mouth, referrals, new products); the advice
for the other states follows the source's care chapter (thank after delivery,
keep warm, review and revisit after a loss, solve complaints fast).

The loyalty plan is the source's grid: for each loyalty state (观望者, 流失边缘
的客户, 新客户, 不活跃的客户, 活跃的常客, 核心客户, 拥护者) the actions of
A-class service and of B-class service. The user edits it; a ``LoyaltyPlan``
keeps only the edited cells, so an untouched cell shows the starting text in
the window's language. Grade A clients get A-class service, grade B clients
B-class; the source's grid has no class for grade C (ordinary time and effort)
nor for lost clients (the advice says how to win them back).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from desktop_crm.domain.enums import Loyalty
from desktop_crm.domain.errors import CrmError
from desktop_crm.i18n import N_, _

SERVICE_CLASSES = ("A", "B")
# the source's order of the plan's rows
PLAN_STATES: tuple[Loyalty, ...] = (
    Loyalty.PROSPECT, Loyalty.AT_RISK, Loyalty.NEW, Loyalty.INACTIVE,
    Loyalty.ACTIVE_REGULAR, Loyalty.CORE, Loyalty.ADVOCATE)
MAX_CELL = 2000  # characters of one cell's actions
MAX_ACTIONS = 20

_ADVICE: dict[Loyalty, tuple[str, ...]] = {
    Loyalty.PROSPECT: (
        N_("Learn what they need and show how others like them use what you sell."),
        N_("Keep in touch without pressure: useful information, invitations to events."),
        N_("Make the first order easy and low-risk: a trial, a sample, a small first deal."),
    ),
    Loyalty.NEW: (
        N_("Thank them within 2-3 days of delivery; check the delivery and teach the use."),
        N_("Make the first experience smooth and answer quickly."),
        N_("Set a regular rhythm of contact and invite the repeat purchase."),
    ),
    Loyalty.ACTIVE_REGULAR: (
        N_("Keep the service steady and reward repeat purchases."),
        N_("Learn their further needs to win a larger share of their spending."),
        N_("Aim to make them core clients."),
    ),
    Loyalty.CORE: (
        N_("Draw the pyramid of your top clients and lock them in."),
        N_("Customise the service until you are \"one of their departments\"."),
        N_("Collect their feedback all the time."),
        N_("Cross-sell actively."),
    ),
    Loyalty.ADVOCATE: (
        N_("Use their word of mouth: testimonials and stories of their success."),
        N_("Ask them to refer clients."),
        N_("Involve them in new-product design and even in recruiting."),
    ),
    Loyalty.INACTIVE: (
        N_("Find out why they stopped buying."),
        N_("Keep warm: greetings, news and ideas of value to them."),
        N_("Make an offer that brings them back."),
    ),
    Loyalty.AT_RISK: (
        N_("Act now: visit or call to learn what is wrong."),
        N_("Solve complaints fast: most clients come back when a complaint is solved fast."),
        N_("Offer a better deal where you can."),
    ),
    Loyalty.LOST: (
        N_("Review why the client was lost and change the approach."),
        N_("Plan revisits; keep warm with greetings so that they may come back."),
    ),
}

_PLAN: dict[tuple[Loyalty, str], tuple[str, ...]] = {
    (Loyalty.PROSPECT, "A"): (N_("A senior salesperson visits"),
                              N_("A proposal tailored to their needs"),
                              N_("A free trial or sample")),
    (Loyalty.PROSPECT, "B"): (N_("Send product information and references"),
                              N_("Invite them to events and demonstrations")),
    (Loyalty.AT_RISK, "A"): (N_("The manager visits within a week"),
                             N_("Solve every open problem first"),
                             N_("Special terms to stay")),
    (Loyalty.AT_RISK, "B"): (N_("Call to ask what is wrong"),
                             N_("Follow up complaints within a week"),
                             N_("A retention offer")),
    (Loyalty.NEW, "A"): (N_("A thank-you visit within 2-3 days of delivery"),
                         N_("Install and teach the use on site"),
                         N_("A named contact person")),
    (Loyalty.NEW, "B"): (N_("A thank-you call within 2-3 days of delivery"),
                         N_("Check the delivery and the use"),
                         N_("Invite the repeat purchase")),
    (Loyalty.INACTIVE, "A"): (N_("Visit to learn why they stopped buying"),
                              N_("A tailored offer to start again")),
    (Loyalty.INACTIVE, "B"): (N_("A greeting card and news of value to them"),
                              N_("An offer to come back")),
    (Loyalty.ACTIVE_REGULAR, "A"): (N_("Priority service and the fastest answers"),
                                    N_("Regular visits"),
                                    N_("Rewards for volume")),
    (Loyalty.ACTIVE_REGULAR, "B"): (N_("Regular calls"),
                                    N_("Rewards for repeat purchases"),
                                    N_("Ask about further needs")),
    (Loyalty.CORE, "A"): (N_("A dedicated team and customised service"),
                          N_("A review meeting each quarter to collect feedback"),
                          N_("Cross-sell related products and services")),
    (Loyalty.CORE, "B"): (N_("Regular visits"),
                          N_("Collect feedback after each delivery"),
                          N_("Offer related products")),
    (Loyalty.ADVOCATE, "A"): (N_("Invite them to new-product design and client gatherings"),
                              N_("Ask for referrals and testimonials"),
                              N_("VIP events")),
    (Loyalty.ADVOCATE, "B"): (N_("Thank them for every referral"),
                              N_("Ask for a testimonial"),
                              N_("Keep them informed of new products")),
}


class PlanError(ValueError, CrmError):
    """An invalid loyalty plan; the message is for the user."""


def advice(state: Loyalty) -> list[str]:
    """The strategy for clients in ``state``, translated."""
    return [_(text) for text in _ADVICE[state]]


def default_actions(state: Loyalty, service_class: str) -> list[str]:
    """The plan's starting actions for a cell, translated."""
    return [_(text) for text in _PLAN[(state, service_class)]]


def service_class(grade: str | None) -> str | None:
    """The plan's service class for an evaluation grade: A -> "A", B -> "B",
    C or not evaluated -> None."""
    return grade if grade in SERVICE_CLASSES else None


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip().lstrip("•-").strip() for line in text.splitlines()
                 if line.strip().lstrip("•-").strip())


@dataclass(frozen=True)
class LoyaltyPlan:
    """The plan; ``edited`` holds the cells the user changed, (state, class) ->
    actions (possibly none). Every other cell is the starting text."""

    edited: Mapping[tuple[Loyalty, str], tuple[str, ...]] = field(default_factory=dict)

    def actions(self, state: Loyalty, service_class: str) -> list[str]:
        key = (state, service_class)
        if key in self.edited:
            return list(self.edited[key])
        return default_actions(state, service_class)

    def is_edited(self, state: Loyalty, service_class: str) -> bool:
        return (state, service_class) in self.edited

    def with_texts(self, texts: Mapping[tuple[Loyalty, str], str]) -> LoyaltyPlan:
        """The plan with cells set from editor texts (one action a line); a text
        equal to the cell's starting text leaves the cell unedited, so it keeps
        following the window's language. Raises PlanError for a cell too long."""
        edited = dict(self.edited)
        for (state, cls), text in texts.items():
            if (state, cls) not in _PLAN:
                raise PlanError(_("The loyalty plan has no row for {state}", state=state.label))
            actions = _lines(text)
            if len(text) > MAX_CELL or len(actions) > MAX_ACTIONS:
                raise PlanError(_("{state}, {cls}-class service: at most {n} actions and "
                                  "{chars} characters", state=state.label, cls=cls,
                                  n=MAX_ACTIONS, chars=MAX_CELL))
            if list(actions) == default_actions(state, cls):
                edited.pop((state, cls), None)
            else:
                edited[(state, cls)] = actions
        return LoyaltyPlan(edited)

    def to_json(self) -> dict[str, Any]:
        cells: dict[str, dict[str, list[str]]] = {}
        for (state, cls), actions in sorted(self.edited.items()):
            cells.setdefault(state.value, {})[cls] = list(actions)
        return {"version": 1, "cells": cells}

    @classmethod
    def from_json(cls, data: Any) -> LoyaltyPlan:
        """The stored plan; what cannot be read (an unknown state, not a list of
        texts) is left out, so a damaged setting falls back to the starting text."""
        edited: dict[tuple[Loyalty, str], tuple[str, ...]] = {}
        cells = data.get("cells") if isinstance(data, dict) else None
        for state_value, row in (cells.items() if isinstance(cells, dict) else ()):
            if state_value not in Loyalty._value2member_map_ or not isinstance(row, dict):
                continue
            state = Loyalty(state_value)
            for klass, actions in row.items():
                if ((state, klass) in _PLAN and isinstance(actions, list)
                        and all(isinstance(a, str) for a in actions)):
                    edited[(state, klass)] = tuple(a for a in actions if a.strip())
        return cls(edited)
