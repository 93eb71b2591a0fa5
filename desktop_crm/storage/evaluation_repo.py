"""Scoring schemes and evaluations. Functions take a Session and never commit."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from desktop_crm.domain.evaluation import Evaluation
from desktop_crm.domain.evaluation_sources import SOURCES_KEY
from desktop_crm.domain.scoring import Scheme
from desktop_crm.storage.client_rows import (  # its old home
    grade_changes_since as grade_changes_since,
)
from desktop_crm.storage.models import (
    Client,
    EvaluationRow,
    ScoringSchemeRow,
)


def latest_scheme(session: Session) -> tuple[int, Scheme] | None:
    row = session.scalars(
        select(ScoringSchemeRow).order_by(ScoringSchemeRow.version.desc()).limit(1)
    ).first()
    return (row.id, Scheme.from_dict(json.loads(row.definition))) if row else None


def scheme_by_version(session: Session, version: int) -> Scheme | None:
    row = session.scalars(select(ScoringSchemeRow).where(ScoringSchemeRow.version == version)
                          ).first()
    return Scheme.from_dict(json.loads(row.definition)) if row else None


def add_scheme(session: Session, scheme: Scheme, now: datetime) -> tuple[int, Scheme]:
    """Store ``scheme`` as the next version; returns (row id, scheme with its version)."""
    version = int(session.scalar(select(func.max(ScoringSchemeRow.version))) or 0) + 1
    stored = Scheme(scheme.criteria, scheme.threshold_a, scheme.threshold_b, version)
    row = ScoringSchemeRow(version=version, definition=json.dumps(stored.to_dict()),
                           created_at=now)
    session.add(row)
    session.flush()
    return row.id, stored


def _to_domain(row: EvaluationRow, version: int) -> Evaluation:
    inputs: dict[str, Any] = json.loads(row.inputs)
    sources = inputs.pop(SOURCES_KEY, None)
    points: dict[str, float] = json.loads(row.points)
    return Evaluation(
        id=row.id, client_id=row.client_id, scheme_version=version,
        period_start=row.period_start, period_end=row.period_end,
        evaluated_on=row.evaluated_on, evaluator=row.evaluator, inputs=inputs, points=points,
        total=row.total, grade=row.grade, notes=row.notes, uuid=row.uuid,
        sources=sources if isinstance(sources, dict) else {},
    )


def add_evaluation(session: Session, item: Evaluation, scheme_id: int, now: datetime) -> int:
    row = EvaluationRow(
        client_id=item.client_id, scheme_id=scheme_id, period_start=item.period_start,
        period_end=item.period_end, evaluated_on=item.evaluated_on, evaluator=item.evaluator,
        # the sources ride in the inputs JSON: no new column, old rows stay readable
        inputs=json.dumps({**item.inputs, **({SOURCES_KEY: item.sources} if item.sources
                                             else {})}, ensure_ascii=False),
        points=json.dumps(item.points), total=item.total, grade=item.grade, notes=item.notes,
        created_at=now, **({"uuid": item.uuid} if item.uuid else {}),
    )
    session.add(row)
    session.flush()
    refresh_client_grade(session, item.client_id)
    return row.id


def refresh_client_grade(session: Session, client_id: int) -> None:
    """Copy the latest two evaluations' grades and date onto the client row."""
    latest = session.execute(
        select(EvaluationRow.grade, EvaluationRow.evaluated_on)
        .where(EvaluationRow.client_id == client_id)
        .order_by(EvaluationRow.evaluated_on.desc(), EvaluationRow.id.desc()).limit(2)
    ).all()
    session.execute(update(Client).where(Client.id == client_id).values(
        grade=latest[0].grade if latest else None,
        last_evaluated_on=latest[0].evaluated_on if latest else None,
        previous_grade=latest[1].grade if len(latest) > 1 else None,
        version=Client.version + 1,
    ))


def history(session: Session, client_id: int) -> list[Evaluation]:
    """The client's evaluations, oldest first."""
    stmt = (select(EvaluationRow, ScoringSchemeRow.version)
            .join(ScoringSchemeRow, ScoringSchemeRow.id == EvaluationRow.scheme_id)
            .where(EvaluationRow.client_id == client_id)
            .order_by(EvaluationRow.evaluated_on, EvaluationRow.id))
    return [_to_domain(row, version) for row, version in session.execute(stmt)]


def grade_counts(session: Session) -> dict[str, int]:
    rows = session.execute(
        select(Client.grade, func.count(Client.id)).where(Client.deleted_at.is_(None))
        .group_by(Client.grade)
    ).all()
    counts = {"A": 0, "B": 0, "C": 0, "unrated": 0}
    for grade, n in rows:
        counts[grade if grade in counts else "unrated"] += int(n)
    return counts


def count(session: Session) -> int:
    return int(session.scalar(select(func.count(EvaluationRow.id))) or 0)
