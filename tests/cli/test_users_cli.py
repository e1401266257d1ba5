"""`alerts users add|disable|reset|list`."""

from __future__ import annotations

import re

from click.testing import CliRunner
from sqlalchemy.orm import Session, sessionmaker

from alerts.cli import main
from alerts.console import users
from alerts.core.settings import Settings


def run(settings: Settings, *args: str, stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(
        main, ["users", *args], env={"ALERTS_DATABASE_URL": settings.database_url}, input=stdin
    )
    return result.exit_code, result.output


def test_add_shows_a_generated_password_once_and_it_works(
    settings: Settings, factory: sessionmaker[Session]
) -> None:
    code, output = run(settings, "add", "Amina", "--role", "joc_officer", "--mission", "MONUSCO")
    assert code == 0, output
    password = re.search(r"password \(shown once\): (\S+)", output)
    assert password
    with factory() as session:
        assert users.authenticate(session, "amina", password.group(1)) is not None
    assert run(settings, "list")[1].split()[:3] == ["amina", "joc_officer", "MONUSCO"]


def test_mission_is_required_when_the_network_does_not_say(settings: Settings) -> None:
    code, output = run(settings, "add", "eva", "--role", "evaluator")
    assert code == 1 and "give --mission" in output


def test_disable_and_reset(settings: Settings, factory: sessionmaker[Session]) -> None:
    run(
        settings,
        "add", "eva", "--role", "evaluator", "--mission", "M", "--password-stdin",
        stdin="first long password\n",
    )  # fmt: skip
    assert run(settings, "disable", "eva") == (0, "disabled eva; 0 session(s) ended\n")
    with factory() as session:
        assert users.authenticate(session, "eva", "first long password") is None
    code, output = run(settings, "reset", "eva", "--password-stdin", stdin="second long password\n")
    assert code == 0 and "password (shown once)" not in output
    with factory() as session:
        assert users.authenticate(session, "eva", "second long password") is not None
    assert run(settings, "disable", "nobody")[0] == 1


def test_a_short_password_is_refused(settings: Settings) -> None:
    code, output = run(
        settings, "add", "x", "--role", "cla", "--mission", "M", "--password-stdin", stdin="short\n"
    )
    assert code == 1 and "12 characters" in output
