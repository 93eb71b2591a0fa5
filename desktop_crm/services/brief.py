"""The pre-visit brief (拜访前简报) of one client: everything it shows read
in one transaction (the card, its timeline, complaints, orders, contact
people and evaluations), then cut to size by ``domain.brief``.

Also finds the client a command line names: by UUID, by id, or by a search
that finds exactly one.
"""

from __future__ import annotations

from desktop_crm.domain.brief import Brief, build_brief
from desktop_crm.domain.client import ClientRow
from desktop_crm.domain.errors import CrmError, NotFoundError
from desktop_crm.domain.identity import parse_uuid
from desktop_crm.domain.loyalty_plan import LoyaltyPlan
from desktop_crm.i18n import _
from desktop_crm.services import complaints as complaint_service
from desktop_crm.services.clock import Clock, current_user, system_clock
from desktop_crm.services.loyalty_plan import SETTING_KEY as PLAN_KEY
from desktop_crm.storage import (
    care_repo,
    client_repo,
    complaint_repo,
    contact_repo,
    evaluation_repo,
    identity_repo,
    order_repo,
)
from desktop_crm.storage.client_repo import ClientFilter
from desktop_crm.storage.complaint_repo import ComplaintFilter
from desktop_crm.storage.database import Database

# How many of the clients a search found the "not one client" message names.
MAX_NAMED = 5


class AmbiguousClientError(CrmError):
    """A search that found several clients; ``rows`` are the first few."""

    def __init__(self, text: str, rows: tuple[ClientRow, ...], total: int) -> None:
        super().__init__(text)
        self.text, self.rows, self.total = text, rows, total

    def __str__(self) -> str:
        named = "; ".join(f"{r.id} {r.name}" + (f" ({r.company})" if r.company else "")
                          for r in self.rows)
        return _("{n} clients match \"{text}\": {clients}; name one by its id or UUID",
                 n=self.total, text=self.text, clients=named)


class BriefService:
    """Builds briefs.

    Attributes:
        db: the open database.
        clock: returns "now" (the brief's date and what "the next 30 days" count from).
        user: named on the brief as who prepared it.
    """

    def __init__(self, db: Database, clock: Clock = system_clock, user: str | None = None):
        self.db = db
        self.clock = clock
        self.user = current_user() if user is None else user

    def brief(self, client_id: int, include_confidential: bool = False) -> Brief:
        """The brief of the client ``client_id`` (NotFoundError when there is
        none or it is in the trash)."""
        with self.db.read() as s:
            card = client_repo.load_card(s, client_id)
            if card is None or card.deleted_at is not None:
                raise NotFoundError(_("Client {id} does not exist", id=client_id))
            interactions = client_repo.interactions(s, client_id)
            complaints = complaint_repo.list_complaints(s, ComplaintFilter(client_id=client_id,
                                                                          status="open"))
            orders = order_repo.for_client(s, client_id)
            people = contact_repo.for_client(s, client_id)
            evaluations = evaluation_repo.history(s, client_id)
            plan = LoyaltyPlan.from_json(care_repo.get_setting(s, PLAN_KEY))
            setting = care_repo.get_setting(s, complaint_service.SETTINGS_KEY)
        hours = setting.get("reply_hours") if isinstance(setting, dict) else None
        reply_hours = (hours if isinstance(hours, int)
                       and 0 < hours <= complaint_service.MAX_REPLY_HOURS else None)
        return build_brief(card, interactions=interactions, complaints=complaints,
                           orders=orders, people=people, evaluations=evaluations, plan=plan,
                           reply_hours=reply_hours, now=self.clock(), user=self.user,
                           include_confidential=include_confidential)

    def find_client(self, text: str) -> int:
        """The id of the one client ``text`` names: its UUID, its id, or a
        search (like the search box) that finds exactly one. Raises
        NotFoundError when none, AmbiguousClientError when several."""
        wanted = text.strip()
        if not wanted:
            raise NotFoundError(_("Name a client: its id, UUID or a search"))
        uuid = parse_uuid(wanted)
        with self.db.read() as s:
            if uuid is not None:
                found = identity_repo.clients_by_uuid(s, [uuid]).get(uuid)
                if found is None or found[1]:
                    raise NotFoundError(_("No client has the UUID {uuid}", uuid=uuid))
                return found[0]
            if wanted.isascii() and wanted.isdigit():
                number = int(wanted)
                if client_repo.client_exists(s, number, include_deleted=False):
                    return number
            ids = client_repo.list_ids(s, ClientFilter(text=wanted))
            if len(ids) == 1:
                return ids[0]
            if not ids:
                raise NotFoundError(_("No client matches \"{text}\"", text=wanted))
            rows = client_repo.rows(s, ids[:MAX_NAMED])
        raise AmbiguousClientError(wanted, tuple(rows), len(ids))
