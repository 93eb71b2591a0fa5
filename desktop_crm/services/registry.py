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

from functools import cached_property
from typing import TYPE_CHECKING

from desktop_crm.services.clock import Clock, clean_user_name, current_user, system_clock
from desktop_crm.storage import identity_repo
from desktop_crm.storage.database import Database

if TYPE_CHECKING:  # each service's module loads when the service is first used
    from desktop_crm.services.agenda import AgendaService
    from desktop_crm.services.clients import ClientService
    from desktop_crm.services.complaints import ComplaintService
    from desktop_crm.services.evaluations import EvaluationService
    from desktop_crm.services.importing import ImportService
    from desktop_crm.services.loyalty import LoyaltyService
    from desktop_crm.services.photos import PhotoService
    from desktop_crm.services.sales import SalesService

# the services every window has, each built on first use (a start that shows
# one tab does not load the photo, sales or loyalty code, nor Pillow)
SERVICES = ("clients", "evaluations", "agenda", "complaints", "sales", "loyalty", "photos")


class Services:
    """The use cases over one database.

    Attributes:
        db: the open database.
        clock: returns "now" for every service.
        clients, evaluations, agenda, complaints, sales, loyalty, photos: the
            services, each built when first asked for.
    """

    def __init__(self, db: Database, clock: Clock, user: str) -> None:
        self.db = db
        self.clock = clock
        self._user = user
        self._uuid: str | None = None

    @classmethod
    def build(cls, db: Database, clock: Clock = system_clock,
              user: str | None = None) -> Services:
        """The services of ``db``; ``user`` is the name they record (default,
        and when blank: the account's full name, else the login name)."""
        return cls(db, clock, clean_user_name(user) or current_user())

    @cached_property
    def clients(self) -> ClientService:
        from desktop_crm.services.clients import ClientService

        return ClientService(self.db, self.clock, self._user)

    @cached_property
    def evaluations(self) -> EvaluationService:
        from desktop_crm.services.evaluations import EvaluationService

        return EvaluationService(self.db, self.clock, self._user)

    @cached_property
    def agenda(self) -> AgendaService:
        from desktop_crm.services.agenda import AgendaService

        return AgendaService(self.db, self.clock, self._user)

    @cached_property
    def complaints(self) -> ComplaintService:
        from desktop_crm.services.complaints import ComplaintService

        return ComplaintService(self.db, self.clock, self._user)

    @cached_property
    def sales(self) -> SalesService:
        from desktop_crm.services.sales import SalesService

        return SalesService(self.db, self.clock, self._user)

    @cached_property
    def loyalty(self) -> LoyaltyService:
        from desktop_crm.services.loyalty import LoyaltyService

        return LoyaltyService(self.db, self.clock, self._user)

    @cached_property
    def photos(self) -> PhotoService:
        from desktop_crm.services.photos import PhotoService

        return PhotoService(self.db, self.clock, self._user)

    @property
    def user(self) -> str:
        """The name every service records and "Mine" means."""
        return self._user

    def set_user(self, user: str | None) -> str:
        """Record ``user`` from now on (blank: the default name); returns the name used."""
        name = clean_user_name(user) or current_user()
        self._user = name
        for key in SERVICES:
            built = self.__dict__.get(key)  # a service not built yet gets the name when it is
            if built is not None:
                built.user = name
        return name

    @property
    def mine_by_default(self) -> bool:
        """Lists show only the user's clients by default on a shared (server)
        database, everyone's on a SQLite file of one's own."""
        return self.db.shared

    def database_uuid(self) -> str:
        """The open database's UUID (what this computer keys per-database
        choices by): read once (the window's start asks for it twice, for the
        tabs' "Mine / Everyone" and for the reminders), as it never changes."""
        if self._uuid is None:
            # through the table alone (the window's start asks before Today
            # is filled, with no ORM loaded: Database.connect)
            with self.db.connect() as c:
                self._uuid = identity_repo.stored_database_uuid(c)
        if self._uuid is None:  # missing or damaged (edited by hand): a new one
            with self.db.read() as s:
                self._uuid = identity_repo.database_uuid(s)
        return self._uuid

    def importer(self, backup_first: bool = True) -> ImportService:
        """An import service recording this user as the batch's author."""
        from desktop_crm.services.importing import ImportService

        return ImportService(self.db, self.clock, self.user, backup_first=backup_first)
