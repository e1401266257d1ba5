"""`alerts keys rotate` and `alerts retention purge`: counts on the terminal, never a number."""

from __future__ import annotations

from datetime import timedelta

from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from alerts.cli import main
from alerts.core.clock import FakeClock
from alerts.core.db.session import write_transaction
from alerts.core.settings import Settings
from alerts.core.vault import PhoneVault, generate_key
from alerts.registry.models import Sender
from alerts.registry.senders import find_or_create_sender

NUMBERS = ["+243970001001", "+243970001002", "+243970001003"]


def run(env: dict[str, str], *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env=env)
    return result.exit_code, result.output


def test_rotate_from_the_cli_resumes_and_prints_no_number(
    settings: Settings, factory: sessionmaker[Session], clock: FakeClock
) -> None:
    old_key, new_key = generate_key(), generate_key()
    with write_transaction(factory) as session:
        first = [
            find_or_create_sender(session, PhoneVault(old_key), n, clock.now()) for n in NUMBERS
        ]
    env = {
        "ALERTS_DATABASE_URL": settings.database_url,
        "ALERTS_DATA_KEY": new_key,
        "ALERTS_DATA_KEY_PREVIOUS": old_key,
    }
    code, output = run(env, "keys", "rotate", "--batch-size", "2")
    assert code == 0, output
    assert "re-keyed 3 number(s)" in output and "0 left" in output
    assert "ALERTS_DATA_KEY_PREVIOUS can now be unset" in output
    assert not any(n[1:] in output for n in NUMBERS)
    code, output = run(env, "keys", "rotate")
    assert code == 0 and "re-keyed 0 number(s)" in output
    with write_transaction(factory) as session:
        again = [
            find_or_create_sender(session, PhoneVault(new_key), n, clock.now()) for n in NUMBERS
        ]
    assert again == first


def test_rotate_with_the_wrong_keys_names_a_pseudonym_only(
    settings: Settings, factory: sessionmaker[Session], clock: FakeClock
) -> None:
    with write_transaction(factory) as session:
        find_or_create_sender(session, PhoneVault(generate_key()), NUMBERS[0], clock.now())
    env = {"ALERTS_DATABASE_URL": settings.database_url, "ALERTS_DATA_KEY": generate_key()}
    code, output = run(env, "keys", "rotate")
    assert code == 1 and "UNREG-" in output and NUMBERS[0][1:] not in output


def test_retention_purge_from_the_cli(
    settings: Settings, factory: sessionmaker[Session], vault: PhoneVault, clock: FakeClock
) -> None:
    with write_transaction(factory) as session:
        find_or_create_sender(session, vault, NUMBERS[0], clock.now() - timedelta(days=40))
    env = {"ALERTS_DATABASE_URL": settings.database_url, "ALERTS_NUMBER_RETENTION_DAYS": "30"}
    code, output = run(env, "retention", "purge")
    assert code == 0, output
    assert "erased 1 number(s)" in output and "retention 30 days" in output
    with factory() as session:
        sender = session.scalars(select(Sender)).one()
    assert sender.number_encrypted == b"" and sender.number_erased_at is not None
