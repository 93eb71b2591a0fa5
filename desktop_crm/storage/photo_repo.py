"""The clients' photos (``client_photos``): at most one a client.

The only module that reads the image bytes: a card or the list never loads
them (the table has no relationship on Client). Every change counts one more
version of the card, as a save of the card does, so an editor holding the
card from before is told (client_repo.save_card). Functions take a Session
and never commit: the calling service owns the unit of work.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from desktop_crm.domain.photo import Photo
from desktop_crm.storage.client_repo import NEXT_VERSION
from desktop_crm.storage.models import Client, ClientPhotoRow


def _photo(row: ClientPhotoRow) -> Photo:
    return Photo(data=bytes(row.data), mime=row.mime, width=row.width, height=row.height,
                 uuid=row.uuid, updated_at=row.updated_at)


def get(session: Session, client_id: int) -> Photo | None:
    """The client's photo with its bytes; None when it has none."""
    row = session.scalar(select(ClientPhotoRow).where(ClientPhotoRow.client_id == client_id))
    return _photo(row) if row is not None else None


def for_clients(session: Session, client_ids: list[int]) -> dict[int, Photo]:
    """The photos of those of ``client_ids`` that have one (a few at a time:
    each is up to a few hundred KB)."""
    stmt = select(ClientPhotoRow).where(ClientPhotoRow.client_id.in_(client_ids))
    return {row.client_id: _photo(row) for row in session.scalars(stmt)}


def has_photo(session: Session, client_id: int) -> bool:
    """Whether the client has a photo (without reading it)."""
    return session.scalar(select(ClientPhotoRow.id).where(
        ClientPhotoRow.client_id == client_id)) is not None


def put(session: Session, client_id: int, photo: Photo, now: datetime) -> None:
    """Store ``photo`` as the client's (over the one it has); the row keeps
    ``photo.uuid`` when it has one (undo of a removal)."""
    session.execute(delete(ClientPhotoRow).where(ClientPhotoRow.client_id == client_id))
    session.flush()
    session.add(ClientPhotoRow(client_id=client_id, mime=photo.mime, data=photo.data,
                               width=photo.width, height=photo.height, updated_at=now,
                               **({"uuid": photo.uuid} if photo.uuid else {})))
    session.flush()


def remove(session: Session, client_id: int) -> bool:
    """Delete the client's photo; False when it had none."""
    result = session.execute(delete(ClientPhotoRow).where(ClientPhotoRow.client_id == client_id))
    return bool(result.rowcount)  # type: ignore[attr-defined]


def touch(session: Session, client_id: int, now: datetime) -> int | None:
    """Count one more version of the card, changed ``now``; returns the new
    version (None when the client does not exist)."""
    session.execute(update(Client).where(Client.id == client_id)
                    .values(updated_at=now, **NEXT_VERSION))
    return session.scalar(select(Client.version).where(Client.id == client_id))


def client_state(session: Session, client_id: int) -> tuple[int, bool] | None:
    """The client's (version, in the trash); None when it does not exist."""
    found = session.execute(select(Client.version, Client.deleted_at)
                            .where(Client.id == client_id)).first()
    return (found[0], found[1] is not None) if found else None


def count(session: Session) -> int:
    """Photos of live clients (not in the trash)."""
    return int(session.scalar(
        select(func.count(ClientPhotoRow.id)).join(Client, Client.id == ClientPhotoRow.client_id)
        .where(Client.deleted_at.is_(None))) or 0)
