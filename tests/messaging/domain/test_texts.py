from datetime import UTC, datetime

import pytest

from alerts.core.domain.refs import REF_ALPHABET, new_ref
from alerts.locating.domain.threats import THREAT_TYPES
from alerts.messaging.domain import texts
from alerts.messaging.domain.segments import count_segments, is_gsm7

AT = datetime(2026, 3, 1, 4, 12, tzinfo=UTC)


@pytest.mark.parametrize("language", ["fr", "en", "sw", "ln", "xx", None])
def test_every_language_states_the_ref_the_same_way(language: str | None) -> None:
    tasking = texts.tasking_message(language or "", "K7Q4M", "attack", "Mavivi", AT)
    assert "REF K7Q4M" in tasking and "ACK K7Q4M" in tasking
    assert "Mavivi" in tasking and "04:12" in tasking
    assert len(tasking) <= 2 * 153  # two GSM-7 segments at most
    assert tasking.isascii()  # stays GSM-7: accents would force UCS-2
    assert "REF K7Q4M" in texts.received_reply(language or "", "K7Q4M")


def test_refs_use_only_unambiguous_characters() -> None:
    refs = {new_ref() for _ in range(200)}
    assert all(len(r) == 5 and set(r) <= set(REF_ALPHABET) for r in refs)
    assert len(refs) > 190


@pytest.mark.parametrize("language", texts.SUPPORTED_LANGUAGES)
def test_every_threat_type_has_a_label(language: str) -> None:
    for threat in THREAT_TYPES:
        message = texts.tasking_message(language, "K7Q4M", threat, "Mavivi", AT)
        assert "_" not in message  # a word for people, never an id like armed_men_sighted
        assert texts.THREAT_LABELS[language][threat] in message
        assert len(message) <= 2 * 153 and message.isascii()


def test_a_long_accented_place_is_shortened_to_two_gsm7_segments_keeping_the_ref() -> None:
    place = "Kasindi-Lubiriha, près de la rivière Lubiriha, frontière ougandaise " * 4
    message = texts.tasking_message("fr", "K7Q4M", "killing", place, AT, grid="35NQA1234567890")
    assert count_segments(message) <= 2 and is_gsm7(message)
    assert "ACK K7Q4M" in message and "NO K7Q4M" in message and "MGRS 35NQA1234567890" in message
