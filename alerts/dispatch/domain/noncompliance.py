"""Refusals and failures, classified as evaluators need them.

Missions used to report only refusals, never failures (inability, poor
performance), so evaluators could not see most orders that came to nothing.
Every trigger makes a record: a conscious decline is a *refusal*, everything
else a *failure*. The reason code follows the categories of the 2017 review;
a decline's own words are kept verbatim beside it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from alerts.dispatch.domain.escalation_chain import Trigger

Category = Literal["refusal", "failure"]
ReasonCode = Literal[
    "under_resourcing",
    "communication",
    "misinterpretation",
    "changing_circumstances",
    "national_caveat",
    "other",
]
REASON_CODES: tuple[ReasonCode, ...] = (
    "under_resourcing",
    "communication",
    "misinterpretation",
    "changing_circumstances",
    "national_caveat",
    "other",
)
# A unit may name the code itself: "NO K7Q4M CAVEAT orders from capital".
_CODE_WORDS: dict[str, ReasonCode] = {
    "res": "under_resourcing",
    "resources": "under_resourcing",
    "comm": "communication",
    "comms": "communication",
    "mis": "misinterpretation",
    "chg": "changing_circumstances",
    "change": "changing_circumstances",
    "cav": "national_caveat",
    "caveat": "national_caveat",
    "oth": "other",
    "other": "other",
}
# Otherwise the words of the reason decide, in English and French (the working
# languages of contingents' duty officers), most specific first.
_REASON_WORDS: tuple[tuple[ReasonCode, tuple[str, ...]], ...] = (
    ("national_caveat", ("caveat", "capital", "contingent", "national", "hq approval",
                         "authorisation", "authorization", "autorisation")),
    ("under_resourcing", ("vehicle", "vehicule", "fuel", "carburant", "essence", "troops",
                          "hommes", "effectif", "no men", "not enough", "pas assez", "ammo",
                          "munition", "broken", "panne", "equipment", "equipement", "helicopter")),
    ("communication", ("radio", "network", "reseau", "signal", "no comms", "cannot hear",
                       "message")),
    ("misinterpretation", ("not our", "pas notre", "aor", "wrong", "unclear", "understand",
                           "compris", "mandate")),
    ("changing_circumstances", ("already", "deja", "calm", "calme", "over", "fini", "situation",
                                "changed", "rain", "pluie", "road", "route", "bridge", "pont")),
)  # fmt: skip
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class Classified:
    category: Category
    reason_code: ReasonCode


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def reason_code_of(reason: str) -> ReasonCode:
    """The code a decline's reason names or describes; "other" when it says neither."""
    plain = _plain(reason)
    words = _WORD.findall(plain)
    if words and words[0] in _CODE_WORDS:
        return _CODE_WORDS[words[0]]
    padded = " " + " ".join(words) + " "
    for code, phrases in _REASON_WORDS:
        if any(f" {phrase}" in padded for phrase in phrases):
            return code
    return "other"


def classify(trigger: Trigger, reason: str | None = None) -> Classified:
    """A decline is a refusal; silence, an order that never arrived, no departure
    and no arrival are failures. An undelivered order is a communication failure;
    for the others the cause is not known yet ("other"), and an operator may
    correct it later with what the unit says."""
    if trigger == "declined":
        return Classified("refusal", reason_code_of(reason or ""))
    if trigger == "undelivered":
        return Classified("failure", "communication")
    return Classified("failure", "other")
