import logging
import sys

import pytest

from alerts.core.log import RedactNumbers, redact


@pytest.mark.parametrize(
    "text",
    ["from +243970000001", "to 0970000001 now", "number +243 97 000 0001", "%2B243970000001"],
)
def test_numbers_are_masked(text: str) -> None:
    assert "970000001" not in redact(text).replace("%2B", "")


@pytest.mark.parametrize("text", ["message 12 stored", "sid SM0123456789abcdef", "lat -1.2167"])
def test_ids_and_coordinates_survive(text: str) -> None:
    assert redact(text) == text


def test_filter_masks_arguments_and_tracebacks() -> None:
    record = logging.LogRecord(
        "t", logging.ERROR, __file__, 1, "sms to %s failed", ("+243970000001",), None
    )
    try:
        raise ValueError("bad number +243970000001")
    except ValueError:
        record.exc_info = sys.exc_info()
    RedactNumbers().filter(record)
    assert "+243970000001" not in record.getMessage()
    assert record.exc_text and "+243970000001" not in record.exc_text
