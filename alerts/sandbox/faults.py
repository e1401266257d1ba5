"""Making the sandbox's Messages API misbehave as Twilio's can, on demand.

A test queues faults for the next create calls: a 429 (nothing created), a
500 (nothing created), a 500 *after* creating the message, a response slower
than the client's timeout after creating it, or a slow start (the worker
waits inside the call, where a test can kill it). Only the ambiguous ones
create a message: they are what "no duplicate sends" must survive.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass
from typing import Literal

FaultKind = Literal["429", "500", "500_after_create", "timeout", "slow"]
FAULT_KINDS: tuple[FaultKind, ...] = ("429", "500", "500_after_create", "timeout", "slow")


@dataclass(frozen=True)
class Fault:
    kind: FaultKind
    delay_s: float = 15.0

    @property
    def creates_first(self) -> bool:
        return self.kind in ("500_after_create", "timeout")


class FaultQueue:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: deque[Fault] = deque()

    def add(self, fault: Fault, count: int = 1) -> None:
        with self._lock:
            self._queue.extend([fault] * count)

    def next(self) -> Fault | None:
        with self._lock:
            return self._queue.popleft() if self._queue else None

    def clear(self) -> None:
        with self._lock:
            self._queue.clear()

    def pending(self) -> list[str]:
        with self._lock:
            return [f.kind for f in self._queue]
