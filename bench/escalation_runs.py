"""The runs of bench.escalation: the system's deadlines, and RQ's delayed jobs, each
with and without a SIGKILL in the middle."""

from __future__ import annotations

import itertools
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from redis import Redis

from alerts.core.context import ServiceContext
from bench import escalation_naive as naive
from bench.escalation_measure import (
    Firing,
    RunFacts,
    Spread,
    event_seq,
    fired,
    notified,
    pending_work,
    system_firings,
)
from bench.escalation_stack import Stack, clear_faults, close_incidents, redis_db, sending_purpose

RESTART_AFTER_S = 5.0  # RestartSec of the shipped systemd units, scheduler and workers
HURT_AFTER_ALERT = 3  # the third alert's chain and the two before it are under way
NAIVE_PER_S = 2  # baseline jobs due each second
PLACES = 80  # distinct positions, for every run's alerts


@dataclass
class Run:
    label: str  # "a", "b'", ...
    title: str
    firings: list[Firing] = field(default_factory=list)
    facts: RunFacts | None = None  # the system's runs only
    notes: list[str] = field(default_factory=list)  # what was killed, when, what it held
    ended_at: datetime = field(default_factory=lambda: datetime.now(UTC))  # when read back

    @property
    def baseline(self) -> bool:
        return self.label.endswith("'")

    def fired(self) -> Spread:
        return fired(self.firings, self.ended_at)

    def notified(self, when: str = "accepted_at") -> Spread:
        return notified(self.firings, self.ended_at, when)


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def wait_for(condition: Callable[[], object], timeout_s: float) -> object:
    """`condition`'s first truthy value within `timeout_s`, else None."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = condition()
        if value or time.monotonic() > deadline:
            return value or None
        time.sleep(0.2)


def places() -> Iterator[tuple[str, float, float]]:
    """A stranger's number and a position 30-50 km from every other: one incident each."""
    for number, (row, column) in enumerate(itertools.product(range(16), range(5))):
        yield f"+243970009{number:03d}", -1.55 + 0.3 * row, 28.4 + 0.45 * column


@dataclass
class Bench:
    stack: Stack
    ctx: ServiceContext  # in this process, on the run's schema: reading back, closing
    alerts: int
    spacing_s: float
    ack_timeout_s: float
    wait_s: float
    points: Iterator[tuple[str, float, float]] = field(default_factory=places)
    databases: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    spares: Iterator[int] = field(default_factory=lambda: itertools.count(3))

    def system_run(self, label: str, title: str, hurt: str | None = None) -> Run:
        """Alerts nobody acknowledges; every deadline of every chain, timed."""
        progress(f"run ({label}): {title}")
        self.workers_up(2)
        run = Run(label, title)
        since, seq = datetime.now(UTC), event_seq(self.ctx.factory)
        start = time.monotonic()
        injury: threading.Thread | None = None
        for number in range(self.alerts):
            time.sleep(max(0.0, start + number * self.spacing_s - time.monotonic()))
            sender, lat, lon = next(self.points)
            self.stack.text(sender, f"Attaque en cours {lat:.4f}, {lon:.4f}, des morts")
            progress(f"  alert {number + 1}/{self.alerts} sent")
            if hurt is not None and number + 1 == HURT_AFTER_ALERT:
                act = self.kill_sending_worker if hurt == "worker" else self.kill_scheduler
                injury = threading.Thread(target=act, args=(run, start), daemon=True)
                injury.start()
        # A chain has four deadlines, each an ACK timeout after the one before fired.
        quiet_from = time.monotonic() + 4 * self.ack_timeout_s + 6
        wait_for(
            lambda: time.monotonic() > quiet_from and not pending_work(self.ctx.factory, since),
            4 * self.ack_timeout_s + 6 + 60,
        )
        if injury is not None:
            injury.join(60)
        clear_faults(self.stack)
        run.ended_at = datetime.now(UTC)
        run.firings, run.facts = system_firings(
            self.ctx.factory, self.ctx.vault, self.stack.twilio, since, seq
        )
        facts = run.facts
        progress(f"  {len(run.firings)} deadlines ({facts.cancelled} cancelled left out)")
        if facts.unmatched:
            raise RuntimeError(f"{facts.unmatched} fired deadlines without their firing event")
        close_incidents(self.ctx, since)
        return run

    def workers_up(self, count: int) -> None:
        """As systemd would have by now: a killed worker is replaced before the next run."""
        alive = [n for n in self.stack.processes.started if n.startswith("worker-")]
        for _ in range(count - len(alive)):
            name = f"worker-{next(self.spares)}"
            progress(f"  starting {name}")
            self.stack.start_worker(name)

    def kill_sending_worker(self, run: Run, start: float) -> None:
        """Hang the next send, then SIGKILL the worker sitting in it."""
        stack = self.stack
        stack.hang_next_send()
        victim = wait_for(lambda: stack.busy_worker("send_sms", stack.redis_url, 1.0), 30)
        if not isinstance(victim, str):
            run.notes.append("no worker was seen inside the hung send: nothing was killed")
            return
        purpose = sending_purpose(self.ctx.factory)
        stack.kill(victim)
        run.notes.append(
            f"{victim} SIGKILLed {time.monotonic() - start:.0f} s into the run, inside a send "
            f"(purpose: {purpose}) hung for over 1 s; the other worker carried on alone"
        )

    def kill_scheduler(self, run: Run, start: float) -> None:
        """SIGKILL the scheduler; start another after the shipped units' RestartSec."""
        stack = self.stack
        name = next(n for n in reversed(stack.processes.started) if n.startswith("scheduler"))
        killed = time.monotonic()
        stack.kill(name)
        time.sleep(RESTART_AFTER_S)
        stack.start_scheduler(f"{name}-restarted")
        run.notes.append(
            f"the scheduler SIGKILLed {killed - start:.0f} s into the run; another started "
            f"{RESTART_AFTER_S:.0f} s later was ticking {time.monotonic() - killed:.1f} s after "
            "the kill"
        )

    def naive_run(self, label: str, title: str, count: int, hurt: str | None = None) -> Run:
        """`count` RQ delayed jobs on two fresh workers with a Redis database of their own."""
        stack = self.stack
        progress(f"baseline ({label}): {title}")
        db = next(self.databases)
        url = redis_db(stack.redis_url, db)
        names = [f"naive-{db}-{n}" for n in (1, 2)]
        for name in names:
            stack.start_worker(name, url)
        redis = Redis.from_url(url)
        run = Run(label, title)
        dues = naive.schedule(redis, db, count, per_s=NAIVE_PER_S, lead_s=3)
        time.sleep(max(0.0, dues[0].timestamp() + 3 - time.time()))
        if hurt == "worker":
            stack.hang_next_send()
            victim = wait_for(lambda: stack.busy_worker(naive.JOB_NAME, url, 1.0), 20)
            if isinstance(victim, str):
                held = stack.rq_scheduler_holder(url) == victim
                stack.kill(victim)
                names.remove(victim)
                run.notes.append(
                    "the worker running a delayed job SIGKILLed inside its hung send; it "
                    f"{'held' if held else 'did not hold'} RQ's scheduler lock"
                )
            else:
                run.notes.append("no worker was seen inside the hung job: nothing was killed")
        elif hurt == "rq-scheduler":
            victim = stack.rq_scheduler_holder(url)
            if victim is not None:
                stack.kill(victim)
                names.remove(victim)
                time.sleep(RESTART_AFTER_S)
                names.append(f"{victim}-restarted")
                stack.start_worker(names[-1], url)
                run.notes.append(
                    "the worker holding RQ's scheduler lock SIGKILLed, and started again "
                    f"{RESTART_AFTER_S:.0f} s later"
                )
            else:
                run.notes.append("no worker held RQ's scheduler lock: nothing was killed")
        last = dues[-1].timestamp()
        wait_for(lambda: naive.all_sent(redis, db, count), last + self.wait_s - time.time())
        run.ended_at = datetime.now(UTC)
        run.firings = [
            Firing(f.due_at, f.ran_at, True, f.sent_at, f.accepted_at)
            for f in naive.collect(redis, stack.twilio, db, dues)
        ]
        clear_faults(stack)
        for name in names:
            stack.stop(name)
        progress(f"  {sum(f.fired_at is not None for f in run.firings)}/{count} jobs ran")
        return run
