"""Peers of gevent4j's core benchmarks (io.gevent4j.bench.core), for gevent or eventlet.

    python3 core.py gevent|eventlet [--quick]

Prints one line per measurement, the format bench/run reads (see bench/README.md):
    RESULT <benchmark> <peer> <value> <unit>
with the same <benchmark> keys as the Java side. Times are the mean of several repetitions
after one warm-up repetition; memory is the growth of the resident set size.
"""
import gc
import os
import sys
import time

PEER = sys.argv[1] if len(sys.argv) > 1 else "gevent"
QUICK = "--quick" in sys.argv[2:]
REPS = 3 if QUICK else 10
ROUNDS = 10_000          # round trips per repetition, 2 switches each (SwitchBench.ROUNDS)
COUNT = 100_000          # greenlets for spawn+join, sleepers and memory

if PEER == "gevent":
    from gevent import monkey  # noqa: F401  (imported for parity; nothing is patched)
    import gevent
    import gevent.event

    spawn = gevent.spawn
    sleep = gevent.sleep

    def joinall(gs):
        gevent.joinall(gs)

    class Handoff:
        """A one-way wake-up: set by one greenlet, waited for and reset by the other."""

        def __init__(self):
            self.ev = gevent.event.Event()

        def signal(self):
            self.ev.set()

        def wait(self):
            self.ev.wait()
            self.ev.clear()

    def blocker():
        ev = gevent.event.Event()
        return ev.wait, ev.set

elif PEER == "eventlet":
    import eventlet
    import eventlet.event

    spawn = eventlet.spawn
    sleep = eventlet.sleep

    def joinall(gs):
        for g in gs:
            g.wait()

    class Handoff:
        def __init__(self):
            self.ev = eventlet.event.Event()

        def signal(self):
            self.ev.send(None)

        def wait(self):
            self.ev.wait()
            self.ev.reset()

    def blocker():
        ev = eventlet.event.Event()
        return ev.wait, ev.send

else:
    sys.exit("usage: core.py gevent|eventlet [--quick]")

import greenlet  # both peers run on the greenlet library


def report(key, value, unit):
    print(f"RESULT {key} {PEER} {value:.1f} {unit}", flush=True)


def timed(fn, per):
    """Mean wall time of fn() over REPS repetitions (after a warm-up), divided by per, in ns."""
    fn()
    total = 0
    for _ in range(REPS):
        gc.collect()
        t0 = time.perf_counter_ns()
        fn()
        total += time.perf_counter_ns() - t0
    return total / REPS / per


def raw_switch():
    main = greenlet.getcurrent()

    def b_body(v):
        while True:
            v = a.switch(v)

    def a_body(n):
        for i in range(n):
            b.switch(i)
        main.switch(None)

    b = greenlet.greenlet(b_body)
    a = greenlet.greenlet(a_body)
    a.switch(ROUNDS)


def event_switch():
    to_a, to_b = Handoff(), Handoff()

    def a_body():
        for _ in range(ROUNDS):
            to_b.signal()
            to_a.wait()

    def b_body():
        for _ in range(ROUNDS):
            to_b.wait()
            to_a.signal()

    joinall([spawn(a_body), spawn(b_body)])


def nothing():
    pass


def spawn_join():
    joinall([spawn(nothing) for _ in range(COUNT)])


def sleepers():
    joinall([spawn(sleep, 0.1) for _ in range(COUNT)])


def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def blocked_memory():
    waits = []
    gc.collect()
    before = rss()
    gs = []
    for _ in range(COUNT):
        wait, wake = blocker()
        waits.append(wake)
        gs.append(spawn(wait))
    sleep(0)
    sleep(0)
    gc.collect()
    during = rss()
    for wake in waits:
        wake()
    joinall(gs)
    return (during - before) / COUNT


report("core.SwitchBench.rawSwitch", timed(raw_switch, 2 * ROUNDS), "ns")
report("core.SwitchBench.waiter", timed(event_switch, 2 * ROUNDS), "ns")
report("core.SpawnJoinBench.spawnJoin", timed(spawn_join, COUNT), "ns")
report("core.SleepersBench.sleepers", timed(sleepers, 1), "ns")
report("core.MemoryMeasure.blocked", blocked_memory(), "B")
