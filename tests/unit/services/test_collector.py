"""The paused collector: off while any user runs, on again after the last,
whichever thread finishes first."""

from __future__ import annotations

import gc
import threading
import weakref

import pytest

from desktop_crm.services.collector import paused_collector

pytestmark = pytest.mark.usefixtures("collector_on")


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


def _in_generation(objects: list[object], generation: int) -> int:
    """How many of ``objects`` the collector holds in ``generation``."""
    ids = {id(o) for o in objects}
    return sum(1 for o in gc.get_objects(generation) if id(o) in ids)


def test_what_a_kept_block_made_skips_the_young_generations_and_is_still_collected() -> None:
    class Node:
        def __init__(self) -> None:
            self.me = self  # a cycle: only the collector frees it

    frozen = gc.get_freeze_count()
    with paused_collector(keep_made=True):
        made = [(n, [n]) for n in range(5_000)]
        garbage = Node()
        probe = weakref_to(garbage)
        del garbage
    # the 5,000 tuples made in the block are in the oldest generation,
    # not in the youngest, whose count no longer holds them: no pass walks
    # them when the next objects are made
    assert _in_generation(made, 2) == len(made)
    assert _in_generation(made, 0) == 0
    assert gc.get_count()[0] < len(made)
    # nothing is set aside for good: what was frozen before is as it was
    # (nothing in this test process), and the cycle is collected
    assert gc.get_freeze_count() == frozen == 0
    assert probe() is not None
    gc.collect()
    assert probe() is None


def test_a_block_without_keep_made_or_that_fails_leaves_its_objects_young() -> None:
    # young: the pass the first new object sets off walks them (and moves
    # them one generation up), none is in the oldest generation yet
    gc.collect()  # (so that the pass is of the youngest generation alone)
    with paused_collector():
        made = [(n, [n]) for n in range(2_000)]
    assert _in_generation(made, 2) == 0
    made = []
    gc.collect()
    try:
        with paused_collector(keep_made=True):
            made = [(n, [n]) for n in range(2_000)]
            raise KeyError("stop")
    except KeyError:
        pass
    assert _in_generation(made, 2) == 0
    assert gc.isenabled()


def weakref_to(obj: object) -> weakref.ref[object]:
    return weakref.ref(obj)
