"""Read the operator-edited correlation rules (`config/correlation.yaml`)."""

from __future__ import annotations

from pathlib import Path

import yaml

from alerts.correlation.domain.rules import CorrelationRules


class CorrelationRulesError(ValueError):
    pass


def load_correlation_rules(path: Path) -> CorrelationRules:
    """The rules in `path`, or the built-in defaults when there is no such file."""
    if not path.exists():
        return CorrelationRules.defaults()
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise CorrelationRulesError(f"{path}: cannot be read: {error}") from None
    if not isinstance(document, dict):
        raise CorrelationRulesError(f"{path}: expected a mapping of rule names to values")
    try:
        return CorrelationRules.from_mapping(document)
    except ValueError as error:
        raise CorrelationRulesError(f"{path}: {error}") from None
