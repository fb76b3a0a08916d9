"""Logging filters that keep personal data out of log lines (production LOGGING uses them).

Log lines carry ids and counts, never names or health information (docs/operations.md). Two
ways names reached them anyway, both found by tests/web/test_canary_name.py:

- Django's template engine logs a missing variable at DEBUG with the exception attached, and
  that exception's text is the whole template context: client names, notes, the CSRF token.
  `WithoutTemplateContext` keeps the line ("Exception while resolving variable 'x' in template
  'y'.") and drops the attached exception.
- Django's own error messages quote model instances by their repr (`Cannot assign "<Client:
  …>"`); `BaseModel.__repr__` and `User.__repr__` name the public id instead.
"""

from __future__ import annotations

import logging

from django.template.base import VariableDoesNotExist


class WithoutTemplateContext(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], VariableDoesNotExist):
            record.exc_info = None
            record.exc_text = None
        return True
