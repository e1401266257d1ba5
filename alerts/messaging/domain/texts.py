"""Every SMS the system writes, in the recipient's language.

Texts stay in GSM-7 where the language allows it (no accents that force
UCS-2 and halve the segment), and the reference always reads `REF <ref>` so a
unit can answer `ACK <ref>` whatever its language.
"""

from __future__ import annotations

from datetime import datetime

from alerts.messaging.domain.segments import fit, to_gsm7

SUPPORTED_LANGUAGES = ("fr", "en", "sw", "ln")
# Where a revealed number goes in a stored SMS body; replaced only when sending.
NUMBER_PLACEHOLDER = "[number]"

_RECEIVED = {
    "fr": "Alerte recue. REF {ref}. Merci.",
    "en": "Alert received. REF {ref}. Thank you.",
    "sw": "Tahadhari imepokelewa. REF {ref}. Asante.",
    "ln": "Likebisi ekomi. REF {ref}. Matondo.",
}
_TASKING = {
    "fr": "TACHE REF {ref}: {threat} a {place}{grid}, signale {time} UTC. "
    "Repondre ACK {ref}, ou NO {ref} motif. Puis DEP, ARR, DONE {ref}.",
    "en": "TASKING REF {ref}: {threat} at {place}{grid}, reported {time} UTC. "
    "Reply ACK {ref}, or NO {ref} reason. Then DEP, ARR, DONE {ref}.",
    "sw": "KAZI REF {ref}: {threat} huko {place}{grid}, iliripotiwa {time} UTC. "
    "Jibu ACK {ref}, au NO {ref} sababu. Kisha DEP, ARR, DONE {ref}.",
    "ln": "MOSALA REF {ref}: {threat} na {place}{grid}, eyebisami {time} UTC. "
    "Zongisa ACK {ref}, to NO {ref} ntina. Sima DEP, ARR, DONE {ref}.",
}
# A tasking must reach a basic phone whole: at most two GSM-7 segments.
TASKING_MAX_SEGMENTS = 2
_COMMAND_OK = {
    "fr": "REF {ref}: {verb} enregistre a {time} UTC.",
    "en": "REF {ref}: {verb} recorded at {time} UTC.",
    "sw": "REF {ref}: {verb} imerekodiwa saa {time} UTC.",
    "ln": "REF {ref}: {verb} ekomami na {time} UTC.",
}
_COMMAND_REFUSED = {
    "fr": "REF {ref}: {verb} non pris en compte, {note}.",
    "en": "REF {ref}: {verb} not recorded, {note}.",
    "sw": "REF {ref}: {verb} haikurekodiwa, {note}.",
    "ln": "REF {ref}: {verb} ekomami te, {note}.",
}
_HELP = {
    "fr": "Commande non comprise. Envoyer ACK, NO, DEP, ARR ou DONE suivi de la REF, "
    "ex: ACK {example}. Pour NO ajouter le motif.",
    "en": "Command not understood. Send ACK, NO, DEP, ARR or DONE then the REF, "
    "e.g. ACK {example}. For NO add the reason.",
    "sw": "Amri haikueleweka. Tuma ACK, NO, DEP, ARR au DONE kisha REF, "
    "mfano ACK {example}. Kwa NO ongeza sababu.",
    "ln": "Mitindo eyebani te. Tinda ACK, NO, DEP, ARR to DONE na REF, "
    "ndakisa ACK {example}. Mpo na NO bakisa ntina.",
}
_UNKNOWN_REF = {
    "fr": "REF {ref} inconnue pour votre unite. Verifier la REF du message de tache.",
    "en": "REF {ref} is not a tasking of your unit. Check the REF in the tasking SMS.",
    "sw": "REF {ref} si kazi ya kikosi chako. Angalia REF kwenye ujumbe wa kazi.",
    "ln": "REF {ref} ezali mosala ya etuluku na bino te. Tala REF na mesaje ya mosala.",
}
THREAT_LABELS: dict[str, dict[str, str]] = {
    "fr": {
        "unknown": "alerte",
        "other": "alerte",
        "attack": "attaque",
        "armed_men_sighted": "hommes armes signales",
        "killing": "tueries",
        "abduction": "enlevements",
        "sexual_violence": "violences sexuelles",
        "looting": "pillage",
        "burning": "incendies",
        "displacement": "deplacement de population",
    },
    "en": {
        "unknown": "alert",
        "other": "alert",
        "attack": "attack",
        "armed_men_sighted": "armed men sighted",
        "killing": "killings",
        "abduction": "abductions",
        "sexual_violence": "sexual violence",
        "looting": "looting",
        "burning": "burning",
        "displacement": "displacement",
    },
    "sw": {
        "unknown": "tahadhari",
        "other": "tahadhari",
        "attack": "shambulio",
        "armed_men_sighted": "watu wenye silaha wameonekana",
        "killing": "mauaji",
        "abduction": "utekaji nyara",
        "sexual_violence": "ubakaji",
        "looting": "uporaji",
        "burning": "uchomaji",
        "displacement": "watu wanakimbia",
    },
    "ln": {
        "unknown": "likebisi",
        "other": "likebisi",
        "attack": "bobundisi",
        "armed_men_sighted": "bato ya mandoki bamonani",
        "killing": "koboma bato",
        "abduction": "kokanga bato",
        "sexual_violence": "kobebisa basi",
        "looting": "koyiba",
        "burning": "kotumba ndako",
        "displacement": "bato bazali kokima",
    },
}
UNKNOWN_PLACE = {
    "fr": "lieu inconnu",
    "en": "unknown place",
    "sw": "mahali pasipojulikana",
    "ln": "esika eyebani te",
}


def language_or_default(language: str | None, default: str = "fr") -> str:
    if language in SUPPORTED_LANGUAGES:
        return language
    return default if default in SUPPORTED_LANGUAGES else "en"


def hhmm(moment: datetime) -> str:
    """Day and time as SMS give them, e.g. 01/03 04:12 (UTC, said in the text)."""
    return moment.strftime("%d/%m %H:%M")


def received_reply(language: str, ref: str) -> str:
    return _RECEIVED[language_or_default(language)].format(ref=ref)


def tasking_message(
    language: str,
    ref: str,
    threat: str,
    place: str | None,
    reported_at: datetime,
    grid: str | None = None,
) -> str:
    """The tasking order: the place (with its MGRS grid when known), the threat and
    the time, never who reported it; in GSM-7, two segments at most, the place
    name shortened if it must be."""
    lang = language_or_default(language)
    labels = THREAT_LABELS[lang]
    return fit(
        _TASKING[lang],
        shrinkable="place",
        max_segments=TASKING_MAX_SEGMENTS,
        ref=ref,
        threat=labels.get(threat, threat),
        place=to_gsm7(place or UNKNOWN_PLACE[lang]),
        grid=f" (MGRS {grid})" if grid else "",
        time=hhmm(reported_at),
    )


def command_recorded(language: str, ref: str, verb: str, at: datetime) -> str:
    return _COMMAND_OK[language_or_default(language)].format(ref=ref, verb=verb, time=hhmm(at))


def command_refused(language: str, ref: str, verb: str, note: str) -> str:
    return _COMMAND_REFUSED[language_or_default(language)].format(ref=ref, verb=verb, note=note)


def command_help(language: str, example_ref: str = "AB3C7") -> str:
    return _HELP[language_or_default(language)].format(example=example_ref)


def unknown_ref(language: str, ref: str) -> str:
    return _UNKNOWN_REF[language_or_default(language)].format(ref=ref)
