"""Every page that reads checks the `view` permission, for every role: a role
without it gets 403 from each read route, whatever else it may do."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import update

from alerts.console.domain.roles import PERMISSIONS, ROLES, Role, may
from alerts.console.models import User
from alerts.core.db.session import write_transaction
from tests.live import LiveSystem
from tests.web.console.helpers import add_user, logged_in_client
from tests.web.console.test_security import one_incident

# Every GET route of the console that shows data, and the login page that shows none.
READ_ROUTES = (
    "/console/",
    "/console/queue/rows",
    "/console/incidents/{id}",
    "/console/incidents/{id}/live",
    "/console/incidents/{id}/map.json",
    "/console/stream",
)
PUBLIC = {"/console/login"}


def get(client: FlaskClient, path: str) -> int:
    response = client.get(path)
    response.close()  # the stream would otherwise stay open
    return response.status_code


def test_the_list_of_read_routes_is_complete(system: LiveSystem) -> None:
    routes = {
        rule.rule.replace("<int:incident_id>", "{id}")
        for rule in system.web_app.url_map.iter_rules()
        if rule.rule.startswith("/console") and "GET" in (rule.methods or set())
    }
    # The relay form is a read route too, guarded by `relay` (a CLA's own form).
    assert routes - PUBLIC - {"/console/relay"} == set(READ_ROUTES)


@pytest.mark.parametrize("role", ROLES)
def test_each_read_route_takes_view(
    system: LiveSystem, role: Role, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_user(system.factory, system.clock, "someone", role)
    incident_id = one_incident(system)
    client = logged_in_client(system, "someone")
    paths = [route.format(id=incident_id) for route in READ_ROUTES]
    assert may(role, "view")
    assert {path: get(client, path) for path in paths} == dict.fromkeys(paths, 200)

    # The same role, with `view` withdrawn: refused everywhere, and nothing else changed.
    monkeypatch.setitem(PERMISSIONS, role, PERMISSIONS[role] - {"view"})
    assert {path: get(client, path) for path in paths} == dict.fromkeys(paths, 403)


def test_an_unknown_role_reads_nothing(system: LiveSystem) -> None:
    add_user(system.factory, system.clock, "retired", "joc_officer")
    incident_id = one_incident(system)
    client = logged_in_client(system, "retired")
    with write_transaction(system.factory) as session:
        # A typo or an old role in the database locks out, never in.
        session.execute(update(User).where(User.username == "retired").values(role="observer"))
    for route in (*READ_ROUTES, "/console/relay"):
        assert get(client, route.format(id=incident_id)) == 403, route
    assert get(client, "/reports/") == 403
