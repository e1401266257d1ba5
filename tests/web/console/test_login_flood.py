"""A login flood cannot lock the JOC out: the client's address behind the proxy
(ALERTS_PROXY_HOPS), failures counted per account and address in one atomic step,
and a right password from an address that has not been failing always let in."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient

from alerts.supervisor import free_port
from alerts.web import create_app
from tests.live import LiveSystem, serve
from tests.web.console.helpers import PASSWORD, add_user, csrf_from

OFFICER = "198.51.100.7"


@pytest.fixture
def proxied(system: LiveSystem) -> Flask:
    """The app as deployed: behind one TLS proxy that appends X-Forwarded-For."""
    add_user(system.factory, system.clock, "amina", "joc_officer")
    add_user(system.factory, system.clock, "admin", "admin")
    return create_app(system.settings.replace(proxy_hops=1), clock=system.clock)


def login_form(client: FlaskClient) -> str:
    return csrf_from(client.get("/console/login").get_data(as_text=True))


def post(client: FlaskClient, token: str, forwarded: str, username: str, password: str) -> int:
    response = client.post(
        "/console/login",
        data={"username": username, "password": password, "csrf_token": token},
        headers={"X-Forwarded-For": forwarded},
    )
    return response.status_code


def test_a_flood_from_many_addresses_does_not_lock_out_the_officer(proxied: Flask) -> None:
    attacker = proxied.test_client()
    token = login_form(attacker)
    codes = [
        post(attacker, token, f"203.0.113.{index}", username, "guess")
        for index in range(8)
        for username in ("amina", "admin")
        for _ in range(3)
    ]
    assert set(codes) <= {401, 429} and 401 in codes
    # The JOC, from an address that has not been failing: in at once, admin too.
    for username in ("amina", "admin"):
        officer = proxied.test_client()
        assert post(officer, login_form(officer), OFFICER, username, PASSWORD) == 303
    # While the accounts are under attack, an address that failed on one waits,
    # even with the right password.
    assert post(attacker, token, "203.0.113.5", "amina", PASSWORD) == 429


def test_one_address_is_stopped_after_the_limit(proxied: Flask) -> None:
    client = proxied.test_client()
    token = login_form(client)
    # What a client writes into X-Forwarded-For itself is not trusted: the proxy's
    # own entry, the last one, is the address counted.
    codes = [
        post(client, token, f"10.9.9.{index}, 203.0.113.66", "amina", "guess") for index in range(7)
    ]
    assert codes == [401] * 5 + [429] * 2


def test_without_trusted_proxies_the_header_is_ignored(system: LiveSystem) -> None:
    add_user(system.factory, system.clock, "amina", "joc_officer")
    client = system.web_app.test_client()
    token = login_form(client)
    codes = [post(client, token, f"203.0.113.{i}", "amina", "guess") for i in range(6)]
    assert codes == [401] * 5 + [429]


@pytest.fixture
def proxied_server(proxied: Flask) -> Iterator[str]:
    port = free_port()
    server = serve(proxied, port)
    yield f"http://127.0.0.1:{port}"
    server.shutdown()


def browser_session(url: str) -> tuple[requests.Session, str]:
    """A session with the login form's cookie and CSRF token. The cookie is Secure
    (`__Host-`), which requests would not send over plain HTTP: it is copied plainly."""
    http = requests.Session()
    page = http.get(f"{url}/console/login", timeout=10)
    for name, value in page.cookies.items():
        http.cookies.clear()
        http.cookies.set(name, value)
    return http, csrf_from(page.text)


def test_parallel_guesses_never_exceed_the_limit(proxied_server: str) -> None:
    guesses = 30
    sessions = [browser_session(proxied_server) for _ in range(guesses)]
    start = threading.Barrier(guesses)
    codes: list[int] = []

    def guess(http: requests.Session, token: str) -> None:
        start.wait()
        response = http.post(
            f"{proxied_server}/console/login",
            data={"username": "amina", "password": "guess", "csrf_token": token},
            headers={"X-Forwarded-For": "203.0.113.66"},
            allow_redirects=False,
            timeout=60,
        )
        codes.append(response.status_code)

    threads = [threading.Thread(target=guess, args=session) for session in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(codes) == guesses and set(codes) <= {401, 429}
    assert 1 <= codes.count(401) <= 5
    # The officer, from her own address, is not slowed by any of it.
    http, token = browser_session(proxied_server)
    response = http.post(
        f"{proxied_server}/console/login",
        data={"username": "amina", "password": PASSWORD, "csrf_token": token},
        headers={"X-Forwarded-For": OFFICER},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 303
