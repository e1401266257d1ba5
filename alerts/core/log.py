"""Logging set-up with a last line of defence for informants' numbers.

Code never logs numbers on purpose; this filter masks anything shaped like
one anyway (a library's debug line, an exception from a driver), because a
single leaked number can cost a life.
"""

from __future__ import annotations

import logging
import re

# "+243 97 000 0001", "0970000001", and "%2B243970000001" as URL-encoded in query strings.
_PHONE_LIKE = re.compile(
    r"(?:%2B|(?<![\w.])\+?)\d(?:[\s().-]?\d){7,14}(?!\w)(?!\.\d)", re.IGNORECASE
)
MASK = "[number]"


def redact(text: str) -> str:
    return _PHONE_LIKE.sub(MASK, text)


class RedactNumbers(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg = redacted
            record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            # Formatting the traceback later would bypass us; do it now, masked.
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


def configure_logging(level: str = "INFO") -> None:
    root = logging.getLogger()
    if not any(isinstance(f, RedactNumbers) for h in root.handlers for f in h.filters):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler.addFilter(RedactNumbers())
        root.addHandler(handler)
    root.setLevel(level.upper())
    for existing in root.handlers:
        if not any(isinstance(f, RedactNumbers) for f in existing.filters):
            existing.addFilter(RedactNumbers())
    # Both echo request parameters (recipients included) at DEBUG/INFO.
    logging.getLogger("twilio.http_client").setLevel(logging.WARNING)
    logging.getLogger("urllib3").setLevel(logging.WARNING)
