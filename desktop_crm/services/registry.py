"""The services of one database, built in one place with one clock.

The window builds one ``Services`` per open database (again when it opens
another) and hands each tab the services it needs; every service gets the
same clock, so a test that fixes "now" fixes it everywhere. The services are
stateless apart from the database, clock and user, so tabs share them.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop_crm.services.agenda import AgendaService
from desktop_crm.services.clients import ClientService
from desktop_crm.services.clock import Clock, system_clock
from desktop_crm.services.complaints import ComplaintService
from desktop_crm.services.evaluations import EvaluationService
from desktop_crm.storage.database import Database


@dataclass(frozen=True)
class Services:
    """The use cases over one database.

    Attributes:
        db: the open database.
        clock: returns "now" for every service.
        clients, evaluations, agenda, complaints: the services.
    """

    db: Database
    clock: Clock
    clients: ClientService
    evaluations: EvaluationService
    agenda: AgendaService
    complaints: ComplaintService

    @classmethod
    def build(cls, db: Database, clock: Clock = system_clock) -> Services:
        return cls(db, clock, ClientService(db, clock), EvaluationService(db, clock),
                   AgendaService(db, clock), ComplaintService(db, clock))
