"""`alerts users`: console accounts."""

from __future__ import annotations

import sys

import click
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from alerts.cli.common import database_errors_explained, load_settings
from alerts.console import users as accounts
from alerts.console.domain.roles import ROLES
from alerts.console.models import User
from alerts.console.scoping import known_missions
from alerts.core.clock import SystemClock
from alerts.core.db.session import make_engine, session_factory, write_transaction


def _factory() -> sessionmaker[Session]:
    settings = load_settings()
    return session_factory(make_engine(settings.database_url, settings.db_timeouts))


def _password(from_stdin: bool) -> tuple[str, bool]:
    """The password from stdin, or a generated one (True: print it once)."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\n"), False
    return accounts.generate_password(), True


@click.group()
def users() -> None:
    """Console accounts: add, disable, reset, list."""


@users.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--mission", help="The account's mission; defaults to the only one there is.")
@click.option("--sector", help="Limit the account to one sector of the mission.")
@click.option("--cla", "cla_pseudonym", help="A CLA's pseudonym: alerts she relays are hers.")
@click.option("--password-stdin", is_flag=True, help="Read the password from stdin.")
def add(
    username: str,
    role: str,
    mission: str | None,
    sector: str | None,
    cla_pseudonym: str | None,
    password_stdin: bool,
) -> None:
    """Add an account. Without --password-stdin a password is generated and shown once."""
    factory = _factory()
    password, generated = _password(password_stdin)
    with database_errors_explained(), write_transaction(factory) as session:
        if mission is None:
            missions = known_missions(session)
            if len(missions) != 1:
                raise click.ClickException(
                    "give --mission: the network holds "
                    + (", ".join(missions) if missions else "no mission yet")
                )
            mission = missions[0]
        try:
            accounts.add_user(
                session,
                SystemClock().now(),
                username=username,
                password=password,
                role=role,
                mission=mission,
                sector=sector,
                sender_pseudonym=cla_pseudonym,
            )
        except accounts.AccountError as error:
            raise click.ClickException(str(error)) from None
    click.echo(f"added {username.lower()} ({role}, {mission}{' / ' + sector if sector else ''})")
    if generated:
        click.echo(f"password (shown once): {password}")


@users.command("disable")
@click.argument("username")
def disable(username: str) -> None:
    """Disable an account; its open sessions end at once."""
    with database_errors_explained(), write_transaction(_factory()) as session:
        try:
            ended = accounts.disable_user(session, SystemClock().now(), username)
        except accounts.AccountError as error:
            raise click.ClickException(str(error)) from None
    click.echo(f"disabled {username.lower()}; {ended} session(s) ended")


@users.command("reset")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the new password from stdin.")
def reset(username: str, password_stdin: bool) -> None:
    """A new password (generated unless --password-stdin); ends the account's sessions."""
    password, generated = _password(password_stdin)
    with database_errors_explained(), write_transaction(_factory()) as session:
        try:
            accounts.reset_password(session, SystemClock().now(), username, password)
        except accounts.AccountError as error:
            raise click.ClickException(str(error)) from None
    click.echo(f"password of {username.lower()} reset; its sessions ended")
    if generated:
        click.echo(f"password (shown once): {password}")


@users.command("list")
def list_users() -> None:
    """Every account, with its role, scope and state."""
    with database_errors_explained(), _factory()() as session:
        for user in session.scalars(select(User).order_by(User.username)):
            state = "disabled" if user.disabled_at else "active"
            scope = user.mission + (f" / {user.sector}" if user.sector else "")
            click.echo(f"{user.username:24} {user.role:12} {scope:30} {state}")
