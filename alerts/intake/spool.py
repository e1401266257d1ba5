"""A durable local spool for SMS the database could not take.

Twilio does not retry an SMS webhook that answers 5xx: an SMS refused while the
database is down or stalled would exist only in Twilio's log. So the webhook
writes it here instead, one file per SMS, fsync'd before it answers, and answers
2xx with a reference. A drainer in each web process moves spooled SMS into the
database once it is back, keeping their receive time and reference; storing is
idempotent on the provider's sid, so a file drained twice is one message.

The file holds the sender's number encrypted by the vault, as the database does:
a spool directory is no place for a number in clear.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from alerts.core.domain.refs import new_ref
from alerts.core.vault import PhoneVault
from alerts.intake.store import InboundSms, IntakeResult, receive

log = logging.getLogger(__name__)

# Provider sids are letters and digits; anything else never becomes a file name.
_SAFE_SID = re.compile(r"^[A-Za-z0-9]{1,64}$")


class SpoolError(OSError):
    """The SMS could not be made durable here either."""


@dataclass(frozen=True)
class Spooled:
    sms: InboundSms
    ref: str


class Spool:
    def __init__(self, directory: Path, vault: PhoneVault) -> None:
        self.directory = directory
        self._vault = vault

    def keep(self, sms: InboundSms, received_at: datetime) -> str:
        """Write `sms` durably and return the reference the informant is told.

        Raises SpoolError if it cannot be written (a full disk, a bad directory).
        """
        if not _SAFE_SID.match(sms.provider_sid):
            raise SpoolError("a MessageSid that is not letters and digits cannot be spooled")
        ref = new_ref()
        record = {
            "provider_sid": sms.provider_sid,
            "from_encrypted": self._vault.encrypt(sms.from_number).decode("ascii"),
            "body": sms.body,
            "num_segments": sms.num_segments,
            "channel": sms.channel,
            "received_at": received_at.isoformat(),
            "ref": ref,
        }
        final = self.directory / f"{sms.provider_sid}.json"
        partial = self.directory / f".{sms.provider_sid}.{os.getpid()}.tmp"
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            with open(partial, "w", encoding="utf-8") as file:
                json.dump(record, file)
                file.flush()
                os.fsync(file.fileno())
            os.replace(partial, final)
            _fsync_directory(self.directory)
        except OSError as error:
            with contextlib.suppress(OSError):
                partial.unlink()
            raise SpoolError(f"spool {self.directory} not writable: {error.strerror}") from None
        return ref

    def pending(self) -> list[Path]:
        if not self.directory.is_dir():
            return []
        return sorted(self.directory.glob("*.json"))

    def drain(
        self, factory: sessionmaker[Session], now: datetime, limit: int = 500
    ) -> list[IntakeResult]:
        """Store every spooled SMS another drainer is not storing; remove each once
        committed. Stops at the first database error: the rest wait for the next pass."""
        stored = []
        for path in self.pending()[:limit]:
            with _claimed(path) as claimed:
                if not claimed or not path.exists():
                    continue
                spooled = self._read(path)
                if spooled is None:
                    continue
                result = receive(factory, self._vault, spooled.sms, now)
                path.unlink()
                stored.append(result)
        return stored

    def _read(self, path: Path) -> Spooled | None:
        try:
            record = json.loads(path.read_text("utf-8"))
            sms = InboundSms(
                provider_sid=record["provider_sid"],
                from_number=self._vault.decrypt(record["from_encrypted"].encode("ascii")),
                body=record["body"],
                num_segments=record["num_segments"],
                channel=record["channel"],
                received_at=datetime.fromisoformat(record["received_at"]),
                recovered_from="spool",
                ref=record["ref"],
            )
        except (OSError, ValueError, KeyError, TypeError):
            # Kept for a person to look at, under a name the drainer skips.
            log.error("spooled SMS %s is unreadable; set aside as .bad", path.name)
            with contextlib.suppress(OSError):
                path.rename(path.with_suffix(".bad"))
            return None
        return Spooled(sms, record["ref"])


@contextlib.contextmanager
def _claimed(path: Path) -> Iterator[bool]:
    """An exclusive lock on the file, if no other drainer (another web worker) holds it."""
    try:
        handle = open(path, "rb")  # noqa: SIM115 - held for the block
    except OSError:
        yield False
        return
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            yield False
            return
        yield True


def _fsync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
