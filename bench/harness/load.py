"""Signed Twilio webhooks, sent by C keep-alive clients, timed, with a progress line."""

from __future__ import annotations

import http.client
import math
import os
import queue
import random
import resource
import secrets
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from twilio.request_validator import RequestValidator

from alerts.core.settings import SANDBOX_ACCOUNT_SID, SANDBOX_AUTH_TOKEN

WEBHOOK_PATH = "/sms/twilio"
ALERT_NUMBER = "+243810009999"
# A request that takes longer than this is counted as an error, not waited for.
REQUEST_TIMEOUT_S = 15.0

PLACES = ("Kiwanja", "Rutshuru", "Kitchanga", "Sake", "Pinga", "Oicha", "Beni", "Walikale")
TEMPLATES = (
    "Attaque en cours à {place}, des hommes armés tirent près du marché.",
    "Des coups de feu entendus à {place} depuis {n}h, la population fuit vers l'église.",
    "Enlèvement de {n} personnes au champ près de {place}, les ravisseurs partent vers la forêt.",
    "Shambulio linaendelea {place}, watu wenye silaha wanapiga risasi karibu na soko.",
    "Tahadhari {place}: watu {n} wenye bunduki wameonekana barabarani asubuhi hii.",
    "Nyumba zinachomwa moto {place}, washambulizi wamevaa sare za jeshi. Njooni haraka.",
)


def sender_pool(size: int) -> list[str]:
    """Fictional numbers: the example network's 16 focal points, then strangers."""
    registered = [f"+2439700000{i:02d}" for i in range(1, 17)]
    return registered + [f"+24397000{1000 + i:04d}" for i in range(size - len(registered))]


@dataclass(frozen=True)
class SignedRequest:
    sid: str
    body: bytes
    signature: str


def signed_traffic(
    url: str, count: int, senders: list[str], rng: random.Random
) -> list[SignedRequest]:
    """`count` distinct inbound SMS as Twilio posts them to `url`, signed before any clock runs."""
    validator = RequestValidator(SANDBOX_AUTH_TOKEN)
    requests = []
    for _ in range(count):
        sid = "SM" + secrets.token_hex(16)
        body = rng.choice(TEMPLATES).format(place=rng.choice(PLACES), n=rng.randint(2, 23))
        params = {
            "MessageSid": sid,
            "SmsSid": sid,
            "AccountSid": SANDBOX_ACCOUNT_SID,
            "From": rng.choice(senders),
            "To": ALERT_NUMBER,
            "Body": body,
            "NumSegments": "1",
            "NumMedia": "0",
            "SmsStatus": "received",
            "ApiVersion": "2010-04-01",
        }
        signature = validator.compute_signature(url, params)
        requests.append(SignedRequest(sid, urlencode(params).encode("ascii"), signature))
    return requests


@dataclass
class Tally:
    """One client's results; only requests answered with 2xx count for latency."""

    ok_latencies_s: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    done: int = 0  # plain ints for the progress line, read from another thread
    failed: int = 0


def _post(connection: http.client.HTTPConnection, request: SignedRequest) -> int:
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Twilio-Signature": request.signature,
    }
    connection.request("POST", WEBHOOK_PATH, body=request.body, headers=headers)
    response = connection.getresponse()
    response.read()  # the whole answer, so the connection can carry the next request
    return response.status


def _client(
    port: int, work: queue.SimpleQueue[SignedRequest], tally: Tally, stop: threading.Event
) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT_S)
    try:
        while not stop.is_set():
            try:
                request = work.get_nowait()
            except queue.Empty:
                return
            began = time.perf_counter()
            try:
                status = _post(connection, request)
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The server closed an idle keep-alive connection before reading the request:
                # send it once more on a new one (the app is idempotent on MessageSid anyway).
                connection.close()
                try:
                    status = _post(connection, request)
                except (http.client.HTTPException, OSError):
                    status = 0
            except (http.client.HTTPException, OSError):
                connection.close()  # a timeout or a refusal: an error, and a fresh connection
                status = 0
            if 200 <= status < 300:
                tally.ok_latencies_s.append(time.perf_counter() - began)
            else:
                tally.failed += 1
            tally.statuses[status] += 1
            tally.done += 1
    finally:
        connection.close()


@dataclass(frozen=True)
class Result:
    label: str
    requests: int
    elapsed_s: float
    ok_latencies_s: list[float]
    statuses: Counter[int]
    host_cores: float | None  # CPU cores busy on the whole host, on average
    server_cores: float  # ...of which the server's processes (gunicorn's master and workers)
    client_cores: float  # ...of which this load generator

    @property
    def throughput(self) -> float:
        """Requests answered with 2xx per second: failures are not throughput."""
        return len(self.ok_latencies_s) / self.elapsed_s

    @property
    def errors(self) -> int:
        """Non-2xx answers, no answer at all (status 0), and requests never sent."""
        return self.requests - len(self.ok_latencies_s)

    @property
    def other_cores(self) -> float | None:
        """The rest of the host: PostgreSQL, Redis, other work (never below 0: tick rounding)."""
        if self.host_cores is None:
            return None
        return max(0.0, self.host_cores - self.server_cores - self.client_cores)

    def percentile_ms(self, fraction: float) -> float:
        """Nearest rank: an observed latency, never an interpolated one."""
        ordered = sorted(self.ok_latencies_s)
        if not ordered:
            return math.nan
        rank = max(1, math.ceil(round(fraction * len(ordered), 6)))  # 0.99 * 2000 > 1980.0
        return ordered[rank - 1] * 1000


def host_ticks() -> tuple[int, int] | None:
    """Busy and total CPU ticks of the whole host, from /proc/stat (None elsewhere)."""
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    except (OSError, ValueError):
        return None
    return sum(values) - values[3] - values[4], sum(values)  # idle and iowait are not busy


def own_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def drive(
    label: str,
    port: int,
    requests: list[SignedRequest],
    concurrency: int,
    stop: threading.Event,
    server_cpu_s: Callable[[], float],
    progress: bool = True,
) -> Result:
    """Send every request from `concurrency` clients at once; time it and measure the CPU."""
    work: queue.SimpleQueue[SignedRequest] = queue.SimpleQueue()
    for request in requests:
        work.put(request)
    tallies = [Tally() for _ in range(concurrency)]
    threads = [
        threading.Thread(target=_client, args=(port, work, tally, stop), daemon=True)
        for tally in tallies
    ]
    ticks, client, server = host_ticks(), own_cpu_s(), server_cpu_s()
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    line = Progress(label, len(requests), tallies) if progress else None
    try:
        for thread in threads:
            while thread.is_alive():
                thread.join(0.2)  # with a timeout, so Ctrl-C and the alarm get through
                if line:
                    line.show(time.perf_counter() - began)
    except BaseException:
        stop.set()  # the clients finish the request in flight and take no more
        raise
    elapsed = time.perf_counter() - began
    after = host_ticks()
    host = None
    if ticks and after and after[1] > ticks[1]:
        host = (after[0] - ticks[0]) / (after[1] - ticks[1]) * (os.cpu_count() or 1)
    if line:
        line.show(elapsed, final=True)
    statuses: Counter[int] = Counter()
    for tally in tallies:
        statuses.update(tally.statuses)
    return Result(
        label=label,
        requests=len(requests),
        elapsed_s=elapsed,
        ok_latencies_s=[latency for t in tallies for latency in t.ok_latencies_s],
        statuses=statuses,
        host_cores=host,
        server_cores=(server_cpu_s() - server) / elapsed,
        client_cores=(own_cpu_s() - client) / elapsed,
    )


class Progress:
    """One self-rewriting line on a terminal; a line every 5 seconds in a log."""

    def __init__(self, label: str, total: int, tallies: list[Tally]) -> None:
        self.label, self.total, self.tallies = label, total, tallies
        self.tty = sys.stderr.isatty()
        self.printed_at = 0.0

    def show(self, elapsed: float, final: bool = False) -> None:
        if not (self.tty or final or elapsed - self.printed_at >= 5):
            return
        done = sum(t.done for t in self.tallies)
        failed = sum(t.failed for t in self.tallies)
        rate = done / elapsed if elapsed else 0.0
        text = (
            f"  {self.label:<16} {done:>6}/{self.total}  {rate:7.1f} req/s  "
            f"{failed} errors  {elapsed:5.1f}s"
        )
        end = "\n" if final or not self.tty else ""
        print(("\r" if self.tty else "") + text, end=end, file=sys.stderr, flush=True)
        self.printed_at = elapsed
