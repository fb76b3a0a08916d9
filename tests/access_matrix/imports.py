"""Access-matrix rows for bridgeway.web.imports.urls (administrators only)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from . import Row, everyone


def upload(w):  # type: ignore[no-untyped-def]
    content = b"key,given_name,family_name,date_of_birth\nM1,Ann,Lee,1980-01-01\n"
    return {"kind": "clients", "source": "matrix", "complete_up_to": "",
            "file": SimpleUploadedFile("clients.csv", content, content_type="text/csv")}


ROWS = [
    Row("imports:index", "GET", expect=everyone(403, admin=200)),
    Row("imports:index", "POST", data=upload, expect=everyone(403, admin=200),
        note="preview"),
    Row("imports:apply", "POST", expect=everyone(403, admin=302), note="nothing pending"),
]
