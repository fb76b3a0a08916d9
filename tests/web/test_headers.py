"""Security headers on every page, and no inline script or style anywhere (issue 14, 0016).

Every GET row of the access matrix is fetched as a persona allowed to see it: each signed-in
response must say ``no-store`` and carry the CSP (without unsafe-inline), Referrer-Policy and
Permissions-Policy, and its HTML must hold no inline script, ``<style>`` or ``style=""`` that
the policy would block. Every template is checked the same way at the source.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test import Client as HttpClient
from django.urls import reverse

from tests.access_matrix import PERSONAS, collect_rows

ROOT = Path(__file__).resolve().parents[2]
GET_ROWS = [r for r in collect_rows() if r.method == "GET"
            and any(r.expect.get(p) == 200 for p in PERSONAS)]
# An executable inline script: a <script> without src (JSON data blocks are not executed).
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")"
                           r"[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=|\son[a-z]+=\s*[\"']", re.IGNORECASE)


def _inline(html: str) -> list[str]:
    return [m.group(0) for m in (*INLINE_SCRIPT.finditer(html), *INLINE_STYLE.finditer(html))]


def _headers_problems(response: Any) -> list[str]:
    problems = []
    csp = response.get("Content-Security-Policy", "")
    if "default-src 'self'" not in csp or "script-src 'self'" not in csp:
        problems.append(f"CSP {csp!r}")
    if "unsafe-inline" in csp or "unsafe-eval" in csp:
        problems.append("CSP allows unsafe-inline/eval")
    if response.get("Referrer-Policy") != "same-origin":
        problems.append(f"Referrer-Policy {response.get('Referrer-Policy')!r}")
    if "camera=()" not in response.get("Permissions-Policy", ""):
        problems.append("no Permissions-Policy")
    if response.get("X-Content-Type-Options") != "nosniff":
        problems.append("no nosniff")
    return problems


@pytest.mark.django_db
def test_every_signed_in_page_is_no_store_with_a_strict_policy(world: Any) -> None:
    problems: dict[str, list[str]] = {}
    checked = 0
    for row in GET_ROWS:
        persona = next(p for p in PERSONAS if row.expect.get(p) == 200)
        http = HttpClient()
        http.force_login(world.persona(persona))
        with transaction.atomic():
            if row.setup is not None:
                row.setup(world)
            kwargs = row.kwargs(world) if row.kwargs else None
            data = row.data(world) if callable(row.data) else (row.data or {})
            response = http.get(reverse(row.url_name, kwargs=kwargs), data,
                                headers=dict(row.headers))
            transaction.set_rollback(True)
        label = f"{row.label} as {persona}"
        found = _headers_problems(response)
        if "no-store" not in response.get("Cache-Control", ""):
            found.append(f"Cache-Control {response.get('Cache-Control')!r}")
        if response.get("Content-Type", "").startswith("text/html"):
            found += [f"inline: {x}" for x in _inline(response.content.decode())]
        if response.status_code != 200:
            found.append(f"status {response.status_code}")
        if found:
            problems[label] = found
        checked += 1
    assert checked == len(GET_ROWS) > 50
    assert not problems, problems


@pytest.mark.django_db
def test_sign_in_page_has_the_policy(client) -> None:
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert not _headers_problems(response)
    assert not _inline(response.content.decode())


@pytest.mark.django_db
def test_after_sign_out_the_redirect_and_sign_in_page_are_not_client_pages(world: Any) -> None:
    http = HttpClient()
    http.force_login(world.coord_a)
    page = http.get(reverse("clients:detail", kwargs={"public_id": world.client_a.public_id}))
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert "private" in page["Cache-Control"]
    http.post(reverse("logout"))
    again = http.get(reverse("clients:detail", kwargs={"public_id": world.client_a.public_id}))
    assert again.status_code == 302  # sign-out ends it; the browser kept no copy to show


def test_no_template_has_inline_script_or_style() -> None:
    templates = sorted((ROOT / "bridgeway").rglob("templates/**/*.html"))
    assert len(templates) > 50
    found = {str(t.relative_to(ROOT)): hits for t in templates
             if (hits := _inline(t.read_text(encoding="utf-8")))}
    assert not found, found


def test_hsts_in_production_settings_includes_subdomains_and_preload() -> None:
    text = (ROOT / "bridgeway/settings/production.py").read_text(encoding="utf-8")
    assert 'SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)' in text
    assert 'SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)' in text
