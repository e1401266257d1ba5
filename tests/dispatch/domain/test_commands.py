import pytest

from alerts.dispatch.domain.commands import parse_command
from alerts.dispatch.domain.tasking import apply_command


@pytest.mark.parametrize(
    ("text", "verb", "ref", "reason"),
    [
        ("ACK K7Q4M", "ACK", "K7Q4M", ""),
        ("ack k7q4m", "ACK", "K7Q4M", ""),
        ("  Ack   K7Q4M  ", "ACK", "K7Q4M", ""),
        ("ACK REF K7Q4M", "ACK", "K7Q4M", ""),
        ("ACK: K7Q4M.", "ACK", "K7Q4M", ""),
        ("NO K7Q4M no fuel for vehicles", "NO", "K7Q4M", "no fuel for vehicles"),
        ("no k7q4m  national caveat", "NO", "K7Q4M", "national caveat"),
        ("DEP K7Q4M", "DEP", "K7Q4M", ""),
        ("arr K7Q4M", "ARR", "K7Q4M", ""),
        ("DONE K7Q4M all calm", "DONE", "K7Q4M", "all calm"),
        ("ACK", "ACK", None, ""),
    ],
)
def test_parses_unit_replies(text: str, verb: str, ref: str | None, reason: str) -> None:
    command = parse_command(text)
    assert command is not None
    assert (command.verb, command.ref, command.reason) == (verb, ref, reason)


@pytest.mark.parametrize("text", ["", "hello", "ACKNOWLEDGED", "what is REF?", "NOTHING here"])
def test_non_commands(text: str) -> None:
    assert parse_command(text) is None


@pytest.mark.parametrize(
    ("status", "verb", "accepted", "new_status"),
    [
        ("pending", "ACK", True, "acknowledged"),
        ("pending", "NO", True, "declined"),
        ("pending", "DEP", True, "departed"),  # departing is acknowledging
        ("acknowledged", "ACK", False, "acknowledged"),
        ("acknowledged", "NO", True, "declined"),
        ("departed", "NO", False, "departed"),
        ("departed", "ARR", True, "arrived"),
        ("arrived", "DONE", True, "done"),
        ("arrived", "DEP", False, "arrived"),
        ("declined", "ACK", False, "declined"),
        ("done", "ARR", False, "done"),
    ],
)
def test_tasking_transitions(status: str, verb: str, accepted: bool, new_status: str) -> None:
    transition = apply_command(status, verb)  # type: ignore[arg-type]
    assert (transition.accepted, transition.status) == (accepted, new_status)
