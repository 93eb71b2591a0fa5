"""Evaluation use cases: the current scheme and its versions, evaluating a
client, score history, grade distribution and who is due."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from desktop_crm.domain.client import ClientRow
from desktop_crm.domain.errors import NotFoundError
from desktop_crm.domain.evaluation import (
    DEFAULT_PERIOD_DAYS,
    Evaluation,
    default_period,
    due_since,
)
from desktop_crm.i18n import _
from desktop_crm.services.clock import Clock, current_user, system_clock
from desktop_crm.storage import client_rows
from desktop_crm.storage.client_rows import ClientFilter
from desktop_crm.storage.database import Database

# the scoring schemes (domain.scoring) load where they are used: Today reads
# the recent grade changes without them
if TYPE_CHECKING:  # the sales code loads when the evaluation form first asks for it
    # (Today's recent grade changes, read at start, need neither it nor the card code,
    # nor what the orders feed into an evaluation: domain.evaluation_sources, sales)
    from sqlalchemy.orm import Session

    from desktop_crm.domain.evaluation_sources import FromOrders
    from desktop_crm.domain.scoring import Result, Scheme
    from desktop_crm.services.sales import SalesService


class EvaluationService:
    """Everything the evaluation tab and the CLI do with evaluations.

    Attributes:
        db: the open database.
        clock: returns "now"; injected so tests can fix it.
        user: recorded as the evaluator.
        period_days: a client not evaluated for this long is due (default a quarter).
    """

    def __init__(self, db: Database, clock: Clock = system_clock, user: str | None = None,
                 period_days: int = DEFAULT_PERIOD_DAYS) -> None:
        self.db = db
        self.clock = clock
        self.user = current_user() if user is None else user
        self.period_days = period_days

    # -- the scheme ---------------------------------------------------------------
    def scheme(self) -> Scheme:
        """The current scheme; the source's default until the user edits it."""
        from desktop_crm.domain.scoring import default_scheme
        from desktop_crm.storage import evaluation_repo as repo

        with self.db.read() as s:
            found = repo.latest_scheme(s)
        return found[1] if found else default_scheme()

    def scheme_version(self, version: int) -> Scheme:
        from desktop_crm.storage import evaluation_repo as repo

        with self.db.read() as s:
            scheme = repo.scheme_by_version(s, version)
        if scheme is None:
            raise NotFoundError(_("No scoring scheme version {v}", v=version))
        return scheme

    def save_scheme(self, scheme: Scheme) -> Scheme:
        """Store an edited scheme as a new version (past evaluations keep theirs).
        Raises ScoringError for an invalid scheme, writing nothing."""
        from desktop_crm.storage import evaluation_repo as repo

        scheme.check()
        with self.db.session() as s:
            current = repo.latest_scheme(s)
            if current and _same_rules(current[1], scheme):
                return current[1]
            return repo.add_scheme(s, scheme, self.clock())[1]

    @property
    def sales(self) -> SalesService:
        """The sales use cases (the form sets a client's target through them)."""
        from desktop_crm.services.sales import SalesService

        return SalesService(self.db, self.clock, self.user)

    def preview(self, inputs: Mapping[str, Any]) -> Result:
        """Score without saving: what the form shows as the user types."""
        from desktop_crm.domain.scoring import evaluate

        return evaluate(self.scheme(), inputs)

    # -- evaluations --------------------------------------------------------------
    # -- inputs from the orders -------------------------------------------------------
    def from_orders(self, client_id: int, start: date, end: date,
                    evaluated_on: date | None = None) -> dict[str, FromOrders]:
        """What the client's orders from ``start`` to ``end`` say for the
        criteria of the current scheme they can feed: the sales-target
        attainment (a percent criterion keyed SALES_KEY) and the late payments
        (a count criterion keyed CREDIT_KEY), as of ``evaluated_on`` (default
        today). See domain.evaluation_sources for the definitions."""
        from desktop_crm.domain.scoring import default_scheme
        from desktop_crm.storage import evaluation_repo as repo

        with self.db.read() as s:
            found = repo.latest_scheme(s)
            scheme = found[1] if found else default_scheme()
            return self._from_orders(s, scheme, client_id, start, end,
                                     evaluated_on or self.clock().date())

    @staticmethod
    def fed_criteria(scheme: Scheme) -> set[str]:
        """The criteria of ``scheme`` the orders can feed."""
        from desktop_crm.domain.evaluation_sources import CREDIT_KEY, SALES_KEY
        from desktop_crm.domain.scoring import COUNT, PERCENT

        return {c.key for c in scheme.criteria
                if (c.key, c.kind) in ((SALES_KEY, PERCENT), (CREDIT_KEY, COUNT))}

    @staticmethod
    def _from_orders(s: Session, scheme: Scheme, client_id: int, start: date, end: date,
                     as_of: date) -> dict[str, FromOrders]:
        from desktop_crm.domain.evaluation_sources import (
            CREDIT_KEY,
            SALES_KEY,
            credit_from_orders,
            period_target,
            sales_from_orders,
        )
        from desktop_crm.domain.sales import DEFAULT_CURRENCY, from_cents
        from desktop_crm.storage import order_repo

        fed = EvaluationService.fed_criteria(scheme)
        out: dict[str, FromOrders] = {}
        if start > end:
            return out
        if SALES_KEY in fed:
            target = period_target(order_repo.targets_for_client(s, client_id), start, end)
            if target is None:  # what was won in CNY, to show next to "no target"
                count, cents = order_repo.won_total(s, client_id, start, end, DEFAULT_CURRENCY)
            else:
                count, cents = 0, 0
                for first, last in target.spans:
                    n, c = order_repo.won_total(s, client_id, first, last, target.currency)
                    count, cents = count + n, cents + c
            out[SALES_KEY] = sales_from_orders(from_cents(cents), count, target,
                                               (end - start).days + 1)
        if CREDIT_KEY in fed:
            late = order_repo.late_payments(s, client_id, start, end, as_of)
            won = order_repo.won_count(s, client_id, start, end)
            out[CREDIT_KEY] = credit_from_orders(late, won)
        return out

    def evaluate_client(self, client_id: int, inputs: Mapping[str, Any],
                        period: tuple[date, date] | None = None,
                        evaluated_on: date | None = None, notes: str = "",
                        sources: Mapping[str, str] | None = None) -> Evaluation:
        """Score ``inputs`` with the current scheme and store the evaluation.

        ``sources`` names, per criterion the orders can feed, FROM_ORDERS (its
        input is computed from the orders now, whatever ``inputs`` says) or
        BY_HAND (the default: ``inputs`` holds it). The evaluation records which,
        with the orders' figures. A criterion the orders cannot give (no target
        in the period) raises ScoringError; nothing is written."""
        from desktop_crm.domain.scoring import ScoringError, default_scheme, evaluate
        from desktop_crm.storage import client_repo
        from desktop_crm.storage import evaluation_repo as repo

        today = self.clock().date()
        evaluated_on = evaluated_on or today
        start, end = period or default_period(evaluated_on, self.period_days)
        if start > end:
            raise ScoringError(_("The period starts after it ends"))
        if evaluated_on > today:
            raise ScoringError(_("The evaluation date is in the future"))
        with self.db.session() as s:
            if not client_repo.client_exists(s, client_id, include_deleted=False):
                raise NotFoundError(_("Client {id} does not exist", id=client_id))
            current = repo.latest_scheme(s)
            scheme_id, scheme = current or repo.add_scheme(s, default_scheme(), self.clock())
            values, recorded = self._with_sources(s, scheme, client_id, (start, end),
                                                  evaluated_on, inputs, sources or {})
            result = evaluate(scheme, values)
            item = Evaluation(
                client_id=client_id, period_start=start, period_end=end,
                evaluated_on=evaluated_on, inputs=values, points=result.points,
                total=result.total, grade=result.grade, scheme_version=scheme.version,
                evaluator=self.user, notes=notes.strip(), sources=recorded,
            )
            new_id = repo.add_evaluation(s, item, scheme_id, self.clock())
        return Evaluation(**{**item.__dict__, "id": new_id})

    def _with_sources(self, s: Session, scheme: Scheme, client_id: int,
                      period: tuple[date, date], evaluated_on: date,
                      inputs: Mapping[str, Any], sources: Mapping[str, str]
                      ) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
        """The inputs with the orders' figures put in where asked, and the record
        of each fed criterion's source."""
        from desktop_crm.domain.evaluation_sources import BY_HAND, FROM_ORDERS
        from desktop_crm.domain.scoring import ScoringError

        values = dict(inputs)
        computed = self._from_orders(s, scheme, client_id, *period, evaluated_on)
        labels = {c.key: c.label for c in scheme.criteria}
        unknown = [k for k, v in sources.items()
                   if k not in computed or v not in (FROM_ORDERS, BY_HAND)]
        if unknown:
            raise ScoringError(_("The orders cannot give: {keys}", keys=", ".join(
                labels.get(k, k) for k in sorted(unknown))))
        recorded: dict[str, dict[str, Any]] = {}
        for key, found in computed.items():
            source = sources.get(key, BY_HAND)
            if source == FROM_ORDERS:
                if found.value is None:
                    raise ScoringError(_("{criterion}: the client has no sales target for "
                                         "the period; set one or enter the figure by hand",
                                         criterion=labels[key]))
                values[key] = found.value
            recorded[key] = found.record(source)
        return values, recorded

    def history(self, client_id: int) -> list[Evaluation]:
        from desktop_crm.storage import evaluation_repo as repo

        with self.db.read() as s:
            return repo.history(s, client_id)

    def distribution(self) -> dict[str, int]:
        from desktop_crm.storage import evaluation_repo as repo

        with self.db.read() as s:
            return repo.grade_counts(s)

    def due_filter(self, grade: str | None = None, only_due: bool = False,
                   text: str = "") -> ClientFilter:
        """The list filter of the evaluation tab."""
        today = self.clock().date()
        return ClientFilter(text=text, grade=grade,
                            evaluated_before=due_since(today, self.period_days)
                            if only_due else None)

    def recent_grade_changes(self, days: int = 30, limit: int = 100, mine: bool = False
                             ) -> tuple[list[ClientRow], int]:
        """Clients whose latest evaluation, in the last ``days``, changed their grade:
        the newest ``limit`` of them, and how many there are in all (only the
        user's clients with ``mine``)."""
        since = self.clock().date() - timedelta(days=days)
        # through the tables alone: Today reads this before it is filled,
        # without the ORM (storage/client_rows.py)
        with self.db.connect() as c:
            ids, total = client_rows.grade_changes_since(c, since, limit,
                                                         self.user if mine else None)
            return client_rows.rows(c, ids), total

    def is_due(self, last_evaluated_on: date | None) -> bool:
        return (last_evaluated_on is None
                or last_evaluated_on < due_since(self.clock().date(), self.period_days))


def _same_rules(a: Scheme, b: Scheme) -> bool:
    return (a.criteria, a.threshold_a, a.threshold_b) == (b.criteria, b.threshold_a,
                                                          b.threshold_b)
