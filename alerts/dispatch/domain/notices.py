"""SMS written by dispatch: escalations to commanders and the JOC, call-back
tasks for CLAs, and the answers to their commands.

Like taskings, they stay in GSM-7 and within two segments, and never name an
informant's number: a CLA gets a number only by asking for it (NUM), and
that answer is filled in at the moment of sending (see messaging).
"""

from __future__ import annotations

from datetime import datetime

from alerts.messaging.domain.segments import fit, to_gsm7
from alerts.messaging.domain.texts import (
    NUMBER_PLACEHOLDER,
    THREAT_LABELS,
    UNKNOWN_PLACE,
    hhmm,
    language_or_default,
)

MAX_SEGMENTS = 2

_WHY = {
    "en": {
        "no_ack": "no ACK from {unit}",
        "declined": "{unit} declined",
        "undelivered": "order undelivered to {unit}",
        "no_departure": "{unit} acknowledged, no DEP",
        "no_arrival": "{unit} departed, no ARR",
    },
    "fr": {
        "no_ack": "pas d'ACK de {unit}",
        "declined": "{unit} a refuse",
        "undelivered": "ordre non remis a {unit}",
        "no_departure": "{unit} a accuse reception, pas de DEP",
        "no_arrival": "{unit} est parti, pas d'ARR",
    },
    "sw": {
        "no_ack": "hakuna ACK kutoka {unit}",
        "declined": "{unit} imekataa",
        "undelivered": "amri haikufika kwa {unit}",
        "no_departure": "{unit} imekubali, hakuna DEP",
        "no_arrival": "{unit} imeondoka, hakuna ARR",
    },
    "ln": {
        "no_ack": "ACK ezali te epai ya {unit}",
        "declined": "{unit} aboyi",
        "undelivered": "mitindo ekomi te epai ya {unit}",
        "no_departure": "{unit} andimi, DEP ezali te",
        "no_arrival": "{unit} akei, ARR ezali te",
    },
}
_NEXT = {
    "en": {"resend": "Order re-sent.", "next_qrf": "Next QRF: {next}.", "none": "No QRF left."},
    "fr": {
        "resend": "Ordre renvoye.",
        "next_qrf": "QRF suivante: {next}.",
        "none": "Plus de QRF disponible.",
    },
    "sw": {"resend": "Amri imetumwa tena.", "next_qrf": "QRF inayofuata: {next}.", "none": ""},
    "ln": {"resend": "Mitindo etindami lisusu.", "next_qrf": "QRF elandi: {next}.", "none": ""},
}
_ESCALATION = {
    "en": "ESCALATION REF {ref}: {threat} at {place}, reported {time} UTC. {why}. {next} "
    "Reply ACK {ref} to take charge.",
    "fr": "ESCALADE REF {ref}: {threat} a {place}, signale {time} UTC. {why}. {next} "
    "Repondre ACK {ref} pour prendre la main.",
    "sw": "TAHADHARI KUU REF {ref}: {threat} huko {place}, {time} UTC. {why}. {next} "
    "Jibu ACK {ref} kushughulikia.",
    "ln": "LIKEBISI MONENE REF {ref}: {threat} na {place}, {time} UTC. {why}. {next} "
    "Zongisa ACK {ref} mpo na kokamba.",
}
_CALLBACK = {
    "fr": "APPEL MANQUE REF {ref}: {caller} ({place}) a bipe a {time} UTC. Rappeler. "
    "NUM {ref} pour le numero, DONE {ref} une fois rappele.",
    "en": "MISSED CALL REF {ref}: {caller} ({place}) beeped at {time} UTC. Call back. "
    "NUM {ref} for the number, DONE {ref} once called.",
    "sw": "SIMU ILIYOKOSWA REF {ref}: {caller} ({place}) alipiga {time} UTC. Mpigie. "
    "NUM {ref} kupata namba, DONE {ref} ukimaliza.",
    "ln": "BAKAMAKI TELEFONE REF {ref}: {caller} ({place}) abengaki na {time} UTC. "
    "Benga ye. NUM {ref} mpo na nimero, DONE {ref} soki osilisi.",
}
_NUMBER = {
    "fr": "REF {ref}: numero de {caller}: " + NUMBER_PLACEHOLDER + ". Ne pas le transmettre.",
    "en": "REF {ref}: number of {caller}: " + NUMBER_PLACEHOLDER + ". Do not pass it on.",
    "sw": "REF {ref}: namba ya {caller}: " + NUMBER_PLACEHOLDER + ". Usiipitishe.",
    "ln": "REF {ref}: nimero ya {caller}: " + NUMBER_PLACEHOLDER + ". Kopesa yango te.",
}
_CALLBACK_DONE = {
    "fr": "REF {ref}: rappel enregistre a {time} UTC. Merci.",
    "en": "REF {ref}: call-back recorded at {time} UTC. Thank you.",
    "sw": "REF {ref}: simu imerekodiwa saa {time} UTC. Asante.",
    "ln": "REF {ref}: kobenga ekomami na {time} UTC. Matondo.",
}
_TAKEN = {
    "fr": "REF {ref}: vous avez la main a {time} UTC. Escalade automatique arretee.",
    "en": "REF {ref}: you took charge at {time} UTC. Automatic escalation stopped.",
    "sw": "REF {ref}: umechukua jukumu saa {time} UTC. Hatua za kiotomatiki zimesimama.",
    "ln": "REF {ref}: ozwi mokumba na {time} UTC. Escalade ya automatique esili.",
}
_NOT_NOTIFIED = {
    "fr": "REF {ref}: aucune escalade de cet incident ne vous a ete envoyee. Verifier la REF.",
    "en": "REF {ref}: no escalation of this incident was sent to you. Check the REF.",
    "sw": "REF {ref}: hukutumiwa tahadhari kuu ya tukio hili. Angalia REF.",
    "ln": "REF {ref}: botindelami likebisi monene ya likambo oyo te. Tala REF.",
}
_CONTACT_HELP = {
    "fr": "Commande non comprise. Pour prendre la main sur une escalade: ACK suivi de la REF.",
    "en": "Command not understood. To take charge of an escalation: ACK then the REF.",
    "sw": "Amri haikueleweka. Kushughulikia tahadhari kuu: ACK kisha REF.",
    "ln": "Mitindo eyebani te. Mpo na kokamba: ACK na REF.",
}


_STAND_DOWN = {
    "fr": "REF {ref}: ANNULE, {why}. Ne pas intervenir.",
    "en": "REF {ref}: STAND DOWN, {why}. Do not respond.",
    "sw": "REF {ref}: SIMAMISHA, {why}. Usiende.",
    "ln": "REF {ref}: BOTIKA, {why}. Kokende te.",
}


def escalation_message(
    language: str | None,
    ref: str,
    *,
    threat: str,
    place: str | None,
    reported_at: datetime,
    trigger: str,
    unit: str,
    resent: bool,
    next_unit: str | None,
) -> str:
    """Why the order is not being carried out, and what the system did about it."""
    lang = language_or_default(language, "en")
    if next_unit:
        done = _NEXT[lang]["next_qrf"].format(next=next_unit)
    elif resent:
        done = _NEXT[lang]["resend"]
    else:
        done = _NEXT[lang]["none"]
    return fit(
        _ESCALATION[lang],
        shrinkable="place",
        max_segments=MAX_SEGMENTS,
        ref=ref,
        threat=THREAT_LABELS[lang].get(threat, threat),
        place=to_gsm7(place or UNKNOWN_PLACE[lang]),
        time=hhmm(reported_at),
        why=_WHY[lang][trigger].format(unit=unit),
        next=done,
    )


def callback_message(
    language: str | None, ref: str, *, caller: str, place: str | None, at: datetime
) -> str:
    lang = language_or_default(language)
    return fit(
        _CALLBACK[lang],
        shrinkable="place",
        max_segments=MAX_SEGMENTS,
        ref=ref,
        caller=caller,
        place=to_gsm7(place or UNKNOWN_PLACE[lang]),
        time=hhmm(at),
    )


def number_message(language: str | None, ref: str, *, caller: str) -> str:
    """The answer to NUM, with the number left as a placeholder until sending."""
    return _NUMBER[language_or_default(language)].format(ref=ref, caller=caller)


def callback_done_message(language: str | None, ref: str, at: datetime) -> str:
    return _CALLBACK_DONE[language_or_default(language)].format(ref=ref, time=hhmm(at))


def taken_charge_message(language: str | None, ref: str, at: datetime) -> str:
    return _TAKEN[language_or_default(language, "en")].format(ref=ref, time=hhmm(at))


def contact_help(language: str | None) -> str:
    return _CONTACT_HELP[language_or_default(language, "en")]


def stand_down_message(language: str | None, ref: str, why: str) -> str:
    """The order is withdrawn: a false alarm, the incident closed, another unit sent."""
    lang = language_or_default(language, "en")
    return fit(_STAND_DOWN[lang], shrinkable="why", max_segments=1, ref=ref, why=to_gsm7(why))


def not_notified_message(language: str | None, ref: str) -> str:
    return _NOT_NOTIFIED[language_or_default(language, "en")].format(ref=ref)
