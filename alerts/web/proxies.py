"""Which client a request came from, when reverse proxies stand in front of the app.

Behind the documented TLS proxy every request arrives from the proxy's own address.
Unless the app is told to trust the proxy's X-Forwarded-For, every client looks the
same, and the login throttle's per-address counters would lump the JOC together
with anyone guessing passwords from the internet. ALERTS_PROXY_HOPS says how many
proxies to trust; werkzeug's ProxyFix then takes the client's address and scheme
from the entries those proxies appended, and ignores anything a client put before
them (a client can forge the header, but not the entries our proxies add).

Not X-Forwarded-Host: the documented proxy passes the real Host header on and does
not set X-Forwarded-Host, so trusting it would let a client choose the host.
Twilio's signatures are checked against ALERTS_PUBLIC_URL, never the request's host.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix


def trust_proxies(app: Flask, hops: int) -> None:
    """Take the client's address and scheme from the last `hops` proxies (0: none)."""
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
