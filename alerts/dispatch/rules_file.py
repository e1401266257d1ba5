"""Read the operator-edited dispatch rules (`config/dispatch.yaml`) over the
built-in defaults, with the timeouts from the settings."""

from __future__ import annotations

import yaml

from alerts.core.settings import Settings
from alerts.dispatch.domain.config import DispatchConfig, DispatchConfigError


def load_dispatch_config(settings: Settings) -> DispatchConfig:
    """Defaults, then the timeout settings, then the file (if there is one).

    Raises DispatchConfigError naming the file and key at fault.
    """
    config = DispatchConfig(
        ack_timeout=settings.ack_timeout,
        depart_timeout=settings.depart_timeout,
        arrive_timeout=settings.arrive_timeout,
    )
    path = settings.dispatch_file
    if not path.exists():
        return config
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise DispatchConfigError(f"{path}: cannot be read: {error}") from None
    if document is None:
        return config
    if not isinstance(document, dict):
        raise DispatchConfigError(f"{path}: expected a mapping of rule names to values")
    timeouts = sorted(k for k in document if str(k).endswith("_timeout_s"))
    if timeouts:
        # Timeouts are settings (or a mission's override), so one place says what they are.
        raise DispatchConfigError(
            f"{path}: {timeouts[0]} belongs in the settings (ALERTS_{timeouts[0].upper()}) "
            "or in a mission's network file, not here"
        )
    return config.with_overrides(document, str(path))
