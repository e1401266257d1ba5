"""The Twilio sandbox as `alerts sandbox` runs it, plus one read-only endpoint.

    python -m bench.e2e.sandbox --port PORT

The Messages API answers `date_created` to the second, as Twilio does; the
benchmark needs the moment the sandbox accepted each outbound SMS to the
microsecond. `GET /_bench/outbound?after=SEQ` lists the outbound messages
created after the sandbox's sequence number SEQ, with that moment. Everything
else is the sandbox unchanged, configured from the same settings as the app.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from types import FrameType

from flask import Blueprint, Response, jsonify, request

from alerts.core.log import configure_logging
from alerts.core.settings import Settings
from alerts.sandbox.app import create_sandbox_app, make_sandbox_server, sandbox_config_from_settings
from alerts.sandbox.state import SandboxApp, current_sandbox

bp = Blueprint("bench", __name__)


@bp.get("/_bench/outbound")
def outbound() -> Response:
    after = request.args.get("after", default=0, type=int)
    found = current_sandbox().store.select(
        lambda m: m.seq > after and m.direction == "outbound-api"
    )
    return jsonify(
        messages=[
            {"seq": m.seq, "sid": m.sid, "to": m.to, "body": m.body,
             "accepted": m.date_created.timestamp()}
            for m in sorted(found, key=lambda m: m.seq)
        ]
    )  # fmt: skip


def create_app(settings: Settings) -> SandboxApp:
    app = create_sandbox_app(sandbox_config_from_settings(settings))
    app.register_blueprint(bp)
    return app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.e2e.sandbox")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    settings = Settings.from_env(os.environ)
    configure_logging(settings.log_level)
    app = create_app(settings)
    server = make_sandbox_server(app, "127.0.0.1", args.port)
    stop = threading.Event()

    def on_signal(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, on_signal)
    serving = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                               daemon=True)  # fmt: skip
    serving.start()
    print(f"bench sandbox listening on 127.0.0.1:{args.port}", flush=True)
    while not stop.wait(0.5) and serving.is_alive():
        pass
    server.shutdown()
    app.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
