"""Commands staff send back: a unit about its tasking (ACK, NO, DEP, ARR, DONE),
a contact taking charge of an escalation (ACK), a CLA about a call-back (NUM, DONE).

Typed on basic phones under stress, so matching is case-insensitive and
tolerant of extra spaces, a missing space after the verb, and punctuation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, cast

CommandVerb = Literal["ACK", "NO", "DEP", "ARR", "DONE", "NUM"]

_COMMAND = re.compile(
    r"^\s*(?P<verb>ACK|NO|DEP|ARR|DONE|NUM)\b[\s:.,#-]*(?:REF\b[\s:.#-]*)?"
    r"(?P<ref>[A-Z0-9]{3,12})?\b[\s:.,-]*(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)


@dataclass(frozen=True)
class UnitCommand:
    verb: CommandVerb
    ref: str | None
    reason: str


def parse_command(text: str) -> UnitCommand | None:
    """The command in a unit's reply, or None when it is not a command at all."""
    match = _COMMAND.match(text or "")
    if match is None:
        return None
    verb = cast(CommandVerb, match.group("verb").upper())
    ref = match.group("ref")
    return UnitCommand(
        verb=verb,
        ref=ref.upper() if ref else None,
        reason=match.group("rest").strip(),
    )
