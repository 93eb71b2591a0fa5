"""``desktop-crm card-scan IMAGE``: read a business card (services.card_scan)
and print the fields found; with ``--save`` make the client from them
(services.card_draft), under the command line's contract: a bad image or a
card that is already a client exits 2 with one line, and nothing is written
when the command fails.

A card that matches existing clients (same phone, e-mail, or name and
company) is not saved on its own: ``--update ID`` adds the card's news to
that client (nothing of the client's is overwritten), ``--new`` makes a new
client all the same. The card's upright image becomes the saved client's
photo unless ``--no-image``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from desktop_crm.domain.business_card import FIELD_NAMES, CardFields
from desktop_crm.i18n import N_, _

# the fields in the order a card is read, with their labels for the text output
LABELS = {"name": N_("Name"), "title": N_("Title"), "company": N_("Company"),
          "mobiles": N_("Mobile"), "office_phones": N_("Office phone"), "faxes": N_("Fax"),
          "emails": N_("E-mail"), "wechat": N_("WeChat"), "address": N_("Address"),
          "website": N_("Website")}


def add_parser(sub: argparse._SubParsersAction[Any], common: argparse.ArgumentParser) -> None:
    cmd = sub.add_parser("card-scan", parents=[common],
                         help="read a business card photo (JPEG, PNG, HEIC) offline and print "
                              "the fields found; --save makes the client")
    cmd.add_argument("image", type=Path, metavar="IMAGE")
    cmd.add_argument("--json", action="store_true",
                     help="print JSON: fields, lines, matches, saved (always these keys)")
    cmd.add_argument("--save", action="store_true",
                     help="save the card as a new client (refused when it matches one)")
    which = cmd.add_mutually_exclusive_group()
    which.add_argument("--update", type=int, default=None, metavar="ID",
                       help="with --save: add the card's phones, e-mail... to client ID")
    which.add_argument("--new", action="store_true",
                       help="with --save: a new client even when the card matches one")
    cmd.add_argument("--no-image", action="store_true",
                     help="with --save: do not keep the card's image as the client's photo")


def _fields_json(fields: CardFields) -> dict[str, Any]:
    return {name: list(value) if isinstance(value, tuple) else value
            for name in FIELD_NAMES for value in [getattr(fields, name)]}


def _print_text(fields: CardFields) -> None:
    for name in FIELD_NAMES:
        value = getattr(fields, name)
        for item in value if isinstance(value, tuple) else (value,) if value else ():
            print(f"{_(LABELS[name])}: {item}")


def run(args: argparse.Namespace) -> int:
    from desktop_crm import cli
    from desktop_crm.services.card_scan import scan_card

    if (args.update is not None or args.new) and not args.save:
        raise cli.UserError(_("--update and --new go with --save"))
    if args.no_image and not args.save:
        raise cli.UserError(_("--no-image goes with --save"))
    # the image first: a bad image must not touch the database
    result = scan_card(args.image)
    fields = result.fields
    matches: list[Any] = []
    saved: dict[str, Any] | None = None
    if args.save or getattr(args, "db", None):
        if args.save and not (fields.name or fields.company):
            raise cli.UserError(_("No name or company was found on {file}; nothing was "
                                  "saved.", file=args.image.name))
        db = cli._open(args, create=False)
        try:
            matches, saved = _matches_and_save(db, args, fields)
            if saved is not None and result.image_jpeg and not args.no_image:
                _keep_image(db, args, saved, result.image_jpeg)
        finally:
            db.close()
    if args.json:
        print(json.dumps({
            "fields": _fields_json(fields),
            "lines": [{"text": ln.text, "box": [round(v, 1) for v in ln.box],
                       "score": round(ln.score, 3)} for ln in result.lines],
            "matches": [{"id": m.client_id, "name": m.name, "company": m.company,
                         "reason": m.reason} for m in matches],
            "saved": saved}, ensure_ascii=False))
        return cli.EXIT_OK
    _print_text(fields)
    for m in matches:
        if saved is None:
            print(_("Matches client {id}: {name} ({reason})", id=m.client_id, name=m.name,
                    reason=m.reason))
    if saved is not None:
        line = _("Saved as new client {id}: {name}") if saved["action"] == "created" \
            else _("Updated client {id}: {name}")
        print(line.format(id=saved["id"], name=saved["name"]))
    return cli.EXIT_OK


def _keep_image(db: Any, args: argparse.Namespace, saved: dict[str, Any],
                image_jpeg: bytes) -> None:
    """The card's upright image becomes the client's photo (one more history
    entry), as the window's "Keep the card's image" does."""
    from desktop_crm import cli
    from desktop_crm.services.photos import PhotoService

    PhotoService(db, user=cli._user(args)).set_photo(saved["id"], image_jpeg)
    saved["photo"] = True


def _matches_and_save(db: Any, args: argparse.Namespace,
                      fields: CardFields) -> tuple[list[Any], dict[str, Any] | None]:
    from desktop_crm import cli
    from desktop_crm.services.card_draft import CardDraftService
    from desktop_crm.services.clients import ClientService

    user = cli._user(args)
    drafts = CardDraftService(db, user=user)
    matches = drafts.matches(fields)
    if not args.save:
        return matches, None
    clients = ClientService(db, user=user)
    if args.update is not None:
        card = drafts.merge_into(clients.get(args.update), fields)
        client_id = clients.save(card)
        return matches, {"id": client_id, "name": card.name, "action": "updated",
                         "photo": False}
    if matches and not args.new:
        first = matches[0]
        raise cli.UserError(_(
            "{file} matches client {id}: {name} ({reason}); nothing was saved. Add the card "
            "to that client with --update {id}, or make a new client with --new.",
            file=args.image.name, id=first.client_id, name=first.name, reason=first.reason))
    card = drafts.draft(fields)
    client_id = clients.save(card)
    return matches, {"id": client_id, "name": card.name, "action": "created", "photo": False}
