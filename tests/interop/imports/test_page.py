"""The administrator's page: a preview lists every bad row and likely duplicate and writes
nothing; applying writes what the preview showed."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bridgeway.clients.models import Client
from bridgeway.interop.models import ImportKey

from .helpers import CLIENTS_HEADER

pytestmark = pytest.mark.django_db


def post(http, content: str):  # type: ignore[no-untyped-def]
    return http.post(reverse("imports:index"), {
        "kind": "clients", "source": "page", "complete_up_to": "",
        "file": SimpleUploadedFile("clients.csv", content.encode(), content_type="text/csv")})


def test_preview_lists_bad_rows_and_writes_nothing(login, world) -> None:  # type: ignore[no-untyped-def]
    http = login("admin")
    before = Client.objects.count()
    page = post(http, CLIENTS_HEADER + "C1,Ann,Lee,2026-02-30,,,,\n").content.decode()
    assert "This date does not exist." in page and "2026-02-30" in page
    assert "Apply the import" not in page
    assert Client.objects.count() == before


def test_preview_shows_duplicates_then_apply_writes(login, world) -> None:  # type: ignore[no-untyped-def]
    http = login("admin")
    a = world.client_a
    before = Client.objects.count()
    page = post(http, CLIENTS_HEADER + f"C1,{a.given_name},{a.family_name},{a.date_of_birth},,,,\n"
                "C2,Zed,Quinn,1990-05-05,,,,\n").content.decode()
    assert "Likely duplicates" in page and str(a.public_id) in page
    assert "2 rows, all valid: 2 new" in page
    assert Client.objects.count() == before and not ImportKey.objects.exists()
    response = http.post(reverse("imports:apply"))
    assert response.status_code == 302
    assert Client.objects.count() == before + 2
    assert ImportKey.objects.filter(source="page").count() == 2


def test_apply_without_a_preview_writes_nothing(login, world) -> None:  # type: ignore[no-untyped-def]
    response = login("admin").post(reverse("imports:apply"), follow=True)
    assert "Nothing to apply" in response.content.decode()
