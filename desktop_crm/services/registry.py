"""The services of one database, built in one place with one clock and one user.

The window builds one ``Services`` per open database (again when it opens
another) and hands each tab the services it needs; every service gets the
same clock, so a test that fixes "now" fixes it everywhere, and the same
user name, which each records as the author of what it writes (history's
"who", the owner of new clients, the evaluator, the complaint log's author,
the import batch) and which "Mine" filters on. The services are stateless
apart from the database, clock and user, so tabs share them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from desktop_crm.services.agenda import AgendaService
from desktop_crm.services.clients import ClientService
from desktop_crm.services.clock import Clock, clean_user_name, current_user, system_clock
from desktop_crm.services.complaints import ComplaintService
from desktop_crm.services.evaluations import EvaluationService
from desktop_crm.services.loyalty import LoyaltyService
from desktop_crm.services.photos import PhotoService
from desktop_crm.services.sales import SalesService
from desktop_crm.storage import identity_repo
from desktop_crm.storage.database import Database

if TYPE_CHECKING:  # the import machinery loads only when an import runs
    from desktop_crm.services.importing import ImportService


@dataclass(frozen=True)
class Services:
    """The use cases over one database.

    Attributes:
        db: the open database.
        clock: returns "now" for every service.
        clients, evaluations, agenda, complaints, sales, loyalty, photos: the services.
    """

    db: Database
    clock: Clock
    clients: ClientService
    evaluations: EvaluationService
    agenda: AgendaService
    complaints: ComplaintService
    sales: SalesService
    loyalty: LoyaltyService
    photos: PhotoService

    @classmethod
    def build(cls, db: Database, clock: Clock = system_clock,
              user: str | None = None) -> Services:
        """The services of ``db``; ``user`` is the name they record (default,
        and when blank: the account's full name, else the login name)."""
        name = clean_user_name(user) or current_user()
        return cls(db, clock, ClientService(db, clock, name), EvaluationService(db, clock, name),
                   AgendaService(db, clock, name), ComplaintService(db, clock, name),
                   SalesService(db, clock, name), LoyaltyService(db, clock, name),
                   PhotoService(db, clock, name))

    @property
    def user(self) -> str:
        """The name every service records and "Mine" means."""
        return self.clients.user

    def set_user(self, user: str | None) -> str:
        """Record ``user`` from now on (blank: the default name); returns the name used."""
        name = clean_user_name(user) or current_user()
        for service in (self.clients, self.evaluations, self.agenda, self.complaints,
                        self.sales, self.loyalty, self.photos):
            service.user = name
        return name

    @property
    def mine_by_default(self) -> bool:
        """Lists show only the user's clients by default on a shared (server)
        database, everyone's on a SQLite file of one's own."""
        return self.db.shared

    def database_uuid(self) -> str:
        """The open database's UUID (what this computer keys per-database choices by)."""
        with self.db.read() as s:
            return identity_repo.database_uuid(s)

    def importer(self, backup_first: bool = True) -> ImportService:
        """An import service recording this user as the batch's author."""
        from desktop_crm.services.importing import ImportService

        return ImportService(self.db, self.clock, self.user, backup_first=backup_first)
