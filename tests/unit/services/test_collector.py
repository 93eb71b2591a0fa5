"""The paused collector: off while any user runs, on again after the last,
whichever thread finishes first."""

from __future__ import annotations

import gc
import threading

from desktop_crm.services.collector import paused_collector


def test_the_collector_is_on_again_only_after_the_last_user() -> None:
    assert gc.isenabled()
    inside = threading.Event()
    release = threading.Event()
    seen: list[bool] = []

    def worker() -> None:
        with paused_collector():
            inside.set()
            release.wait(10)
            seen.append(gc.isenabled())

    other = threading.Thread(target=worker)
    other.start()
    assert inside.wait(10)
    with paused_collector():
        seen.append(gc.isenabled())
    seen.append(gc.isenabled())  # the worker still runs: still paused
    release.set()
    other.join()
    assert seen == [False, False, False]
    assert gc.isenabled()


def test_a_collector_switched_off_before_stays_off() -> None:
    gc.disable()
    try:
        with paused_collector():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
