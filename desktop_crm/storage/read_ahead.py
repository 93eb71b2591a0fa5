"""Reads sent ahead: on a server, the statements of one read run one after
another on its connection while the caller works on the rows of those
before them.

The 30-day agenda at 100,000 clients is about 15 statements; the server's
work (about 60 ms of its CPU) and the app's building of items from their rows
(about 65 ms) used to follow each other. Through ``read_ahead`` a caller
names all its reads first (each a repository function and its arguments),
then takes their results in turn: on PostgreSQL a thread of this read runs
them in the order named, on the read's own connection and transaction (its
settings and snapshot), so the server works on the next statement while the
caller builds from the rows of the last. The thread waits for the server
without holding Python's lock. On SQLite, which works in this process, each
read runs at once, where it is named, as before.

psycopg's pipeline mode sends every statement at once, but its first fetch
takes in every result queued before it returns (``Pipeline._fetch_gen``), so
the app would start building only when the server has finished them all:
one statement at a time, in a thread, is what lets the two overlap.

The big reads' rows (``care_repo._driver_rows``) are taken from the driver
where they are used: the thread runs a statement and goes on to the next
one while the caller turns the last one's rows into Python values
(``driver_rows``: 15 ms of the 30-day agenda's 47,000 rows).

The connection is the thread's alone from the first read named to the end
of the block: the caller touches it only through ``Later.get``. A failed
read (a statement refused, the server gone) is raised where its result is
taken, as the same SQLAlchemy error a read in the caller's thread raises
(``Database`` turns a lost connection into its usual message); the reads
named after it are not run, and taking theirs raises it too. Leaving the
block waits for the statement under way, so the connection is the caller's
again, and in a state to roll back, before the block's end closes it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from queue import SimpleQueue
from typing import TYPE_CHECKING, Any, Concatenate, Generic, ParamSpec, TypeVar

from desktop_crm.storage import dialect

if TYPE_CHECKING:
    from sqlalchemy import CursorResult

    from desktop_crm.storage.dialect import Reader

T = TypeVar("T")
P = ParamSpec("P")


class Later(Generic[T]):
    """The result of a read named ahead: ``get`` waits for it (and raises
    the read's error when it failed)."""

    __slots__ = ("_done", "_error", "_value")

    def __init__(self) -> None:
        self._done = threading.Event()
        self._value: Any = None
        self._error: BaseException | None = None

    @classmethod
    def now(cls, fn: Callable[[], T]) -> Later[T]:
        """A read run at once, in the caller's thread (its error raised here)."""
        later = cls()
        later._value = fn()
        later._done.set()
        return later

    def get(self) -> T:
        self._done.wait()
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[no-any-return]

    def _set(self, value: Any, error: BaseException | None) -> None:
        self._value, self._error = value, error
        self._done.set()


_worker = threading.local()  # ``running``: this thread runs a read's statements ahead


Then = Callable[[list[Sequence[Any]]], list[Sequence[Any]]]


def driver_rows(result: CursorResult[Any], then: Then | None = None
                ) -> Sequence[Sequence[Any]]:
    """The rows of ``result`` as the driver gives them, and the result
    closed; with ``then``, the list ``then`` makes of them (put in order,
    say). In a read's thread (``read_ahead``) they are taken from the
    driver (its values made, then ``then`` applied) where they are first
    used, by the caller's thread, while this one runs the next statement:
    the driver's cursor keeps its rows as the server sent them, apart from
    the connection."""
    if getattr(_worker, "running", False):
        return _Taken(result, then)
    try:
        rows = list(result.cursor.fetchall())
    finally:
        result.close()
    return rows if then is None else then(rows)


class _Taken(Sequence[Sequence[Any]]):
    """Rows taken from the driver's cursor when first used (``driver_rows``)."""

    __slots__ = ("_result", "_rows", "_then")

    def __init__(self, result: CursorResult[Any], then: Then | None = None) -> None:
        self._result: CursorResult[Any] | None = result
        self._rows: list[Sequence[Any]] = []
        self._then = then

    def _taken(self) -> list[Sequence[Any]]:
        result = self._result
        if result is not None:
            self._result = None
            try:
                self._rows = list(result.cursor.fetchall())
            finally:
                result.close()
            if self._then is not None:
                self._rows = self._then(self._rows)
        return self._rows

    def __iter__(self) -> Iterator[Sequence[Any]]:
        return iter(self._taken())

    def __len__(self) -> int:
        return len(self._taken())

    def __getitem__(self, index: Any) -> Any:
        return self._taken()[index]


_Call = tuple[Callable[[], Any], Later[Any]]


class ReadAhead:
    """Names reads of one session; see the module's doc."""

    def __init__(self, session: Reader) -> None:
        self.session = session
        self.ahead = not dialect.is_sqlite(session)
        self._calls: SimpleQueue[_Call | None] = SimpleQueue()
        self._thread: threading.Thread | None = None
        self._stop = False  # the block ended early: the reads not begun are dropped

    def __call__(self, fn: Callable[Concatenate[Reader, P], T], *args: P.args,
                 **kwargs: P.kwargs) -> Later[T]:
        """``fn(session, *args, **kwargs)``: at once on SQLite, else next in
        the read's thread."""
        session = self.session
        if not self.ahead:
            return Later.now(lambda: fn(session, *args, **kwargs))
        later: Later[T] = Later()
        self._calls.put((lambda: fn(session, *args, **kwargs), later))
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="read-ahead", daemon=True)
            self._thread.start()
        return later

    def _run(self) -> None:
        _worker.running = True
        failed: BaseException | None = None
        while (call := self._calls.get()) is not None:
            fn, later = call
            if failed is None and self._stop:
                # (no one takes these: the block ended on its error)
                failed = RuntimeError("the read ended before this statement was sent")
            if failed is not None:  # after a failure the transaction refuses every statement
                later._set(None, failed)
                continue
            try:
                later._set(fn(), None)
            except BaseException as exc:  # (handed to the caller by Later.get)
                failed = exc
                later._set(None, exc)

    def close(self, early: bool) -> None:
        """No more reads; wait for the thread (``early``: the caller failed,
        run no read not begun)."""
        if self._thread is None:
            return
        self._stop = early
        self._calls.put(None)
        self._thread.join()
        self._thread = None


@contextmanager
def read_ahead(session: Reader) -> Iterator[ReadAhead]:
    """A block whose reads of ``session`` are named ahead of taking their
    results (``ReadAhead.__call__``, ``Later.get``)."""
    reads = ReadAhead(session)
    try:
        yield reads
    except BaseException:
        reads.close(early=True)
        raise
    reads.close(early=False)
