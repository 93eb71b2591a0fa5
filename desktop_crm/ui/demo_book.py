"""The demo book in the window: the title says when demo data is open, and
"Try it with demo data" opens the demo book (made first, with progress)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from desktop_crm.i18n import _
from desktop_crm.services.demo_book import demo_book_path, is_demo_book, make_demo_book
from desktop_crm.storage.database import Database, DatabaseError, shown_url
from desktop_crm.ui.open_book import open_or_recover
from desktop_crm.ui.operations import Operation

if TYPE_CHECKING:
    from desktop_crm.ui.main_window import MainWindow


def window_title(db: Database, status: str = "") -> str:
    """"Desktop CRM — <where>", with "Demo book" between when demo data was
    written into the book, so nobody takes it for their own; ``status`` (the
    day's count where there is no tray) comes right after the name."""
    where = str(db.path or shown_url(db.url))
    parts = [_("Desktop CRM"), status, _("Demo book") if is_demo_book(db) else "", where]
    return " — ".join(part for part in parts if part)


def open_demo_book(window: MainWindow, replace: Callable[[Database], None]
                   ) -> Operation[int] | None:
    """Open the demo book in ``window`` (``replace`` puts it in place of the
    open book, whose unsaved edits were confirmed), making it first when it
    is missing (on a worker thread, with progress); None when nothing was
    started."""
    path = demo_book_path()
    if window.db.path is not None and window.db.path.resolve() == path.resolve():
        window.statusBar().showMessage(_("The demo book is open"), 5000)
        return None
    if not all(page.confirm_discard() for page in window.pages()):
        return None

    def made(_count: int) -> None:
        db = open_or_recover(window, path)
        if db is not None:
            replace(db)

    return (Operation(window, lambda ctx: make_demo_book(path, progress=ctx.progress))
            .with_progress(_("Making the demo book…"))
            .errors(_("Demo data"), DatabaseError)
            .success(made)
            .run_in_background())
