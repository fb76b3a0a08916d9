"""Access reports for privacy officers and site leads: scope, names, plain words, filters, CSV."""

from __future__ import annotations

import csv
import io

import pytest

from bridgeway.audit.models import AuditEvent
from bridgeway.audit.writer import Who, record
from bridgeway.core.csvsafe import neutralise, rows_to_csv
from bridgeway.core.models import Role
from tests import factories as f


@pytest.fixture
def officer_a(world):
    """The privacy officer of hospital A (the custodian of client_a's stay)."""
    user = f.UserFactory(username="privacy_a", first_name="Pat", last_name="Officer")
    f.grant(user, Role.PRIVACY_OFFICER, organisation=world.hospital_a)
    return user


@pytest.fixture
def officer_b(world):
    user = f.UserFactory(username="privacy_b")
    f.grant(user, Role.PRIVACY_OFFICER, organisation=world.hospital_b)
    return user


def _history(client, world):
    client.force_login(world.staff_a)
    client.get(f"/clients/{world.client_a.public_id}/")
    client.force_login(world.staff_b)
    client.get(f"/clients/{world.client_a.public_id}/")  # refused: another hospital


def test_privacy_officer_reads_who_accessed_their_organisations_client(client, world, officer_a):
    _history(client, world)
    client.force_login(officer_a)
    response = client.get(f"/audit/clients/{world.client_a.public_id}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Priya Nurse" in body  # names, not only user names
    assert "Viewed: Name and date of birth" in body and "Refused" in body
    assert "Daniel" not in body  # the history, not the record
    event = AuditEvent.objects.latest("seq")
    assert (event.role, event.action, event.outcome, event.client_public_id) == (
        "privacy_officer", "view_audit", "allowed", world.client_a.public_id)


def test_privacy_officer_of_another_organisation_is_refused_and_audited(client, world,
                                                                        officer_b):
    client.force_login(officer_b)
    assert client.get(f"/audit/clients/{world.client_a.public_id}/").status_code == 403
    assert AuditEvent.objects.latest("seq").outcome == "denied"
    # ...and never sees the record itself.
    assert client.get(f"/clients/{world.client_b.public_id}/").status_code == 403


def test_filters_denied_person_and_dates(client, world, officer_a):
    _history(client, world)
    client.force_login(officer_a)
    url = f"/audit/clients/{world.client_a.public_id}/"
    denied = [e.outcome for e in client.get(url, {"outcome": "denied"}).context["page"]]
    assert denied and set(denied) == {"denied"}
    priya = client.get(url, {"person": "Priya"}).context["page"]
    assert {e.actor_username for e in priya} == {"staff_a"}
    assert list(client.get(url, {"date_to": "2001-01-01"}).context["page"]) == []
    bad = client.get(url, {"date_from": "2020-05-01", "date_to": "2020-01-01"})
    assert bad.status_code == 200 and bad.context["form"].errors["date_to"]


def test_csv_export_is_filtered_and_safe_in_a_spreadsheet(client, world, officer_a):
    evil = f.UserFactory(username="=HYPERLINK(\"http://x\")", first_name="@SUM(A1)",
                         last_name="")
    record(who=Who(public_id=evil.public_id, username=evil.username), category="identity",
           action="view", client_public_id=world.client_a.public_id, detail="-2+3")
    client.force_login(officer_a)
    response = client.get(f"/audit/clients/{world.client_a.public_id}/", {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["When", "Who", "User name"]
    cells = [cell for row in rows[1:] for cell in row]
    assert "'@SUM(A1)" in cells and "'=HYPERLINK(\"http://x\")" in cells and "'-2+3" in cells
    assert not any(cell[:1] in "=+-@" for cell in cells if cell)


def test_site_lead_reads_their_own_staff_only(client, world):
    _history(client, world)
    client.force_login(world.lead_a)
    response = client.get(f"/audit/users/{world.staff_a.public_id}/")
    assert response.status_code == 200
    assert all(e.actor_public_id == world.staff_a.public_id for e in response.context["page"])
    assert client.get(f"/audit/users/{world.coord_a.public_id}/").status_code == 200
    assert client.get(f"/audit/users/{world.supporter.user.public_id}/").status_code == 200
    assert client.get(f"/audit/users/{world.staff_b.public_id}/").status_code == 403
    assert AuditEvent.objects.latest("seq").outcome == "denied"
    people = client.get("/audit/").context["people"]
    assert world.staff_a in people and world.staff_b not in people


def test_privacy_officer_reads_their_organisations_staff(client, world, officer_a):
    client.force_login(officer_a)
    assert client.get(f"/audit/users/{world.staff_a.public_id}/").status_code == 200
    assert client.get(f"/audit/users/{world.coord_a.public_id}/").status_code == 200  # site A
    assert client.get(f"/audit/users/{world.staff_b.public_id}/").status_code == 403
    response = client.get("/audit/", {"client": str(world.client_a.public_id)})
    assert response.url == f"/audit/clients/{world.client_a.public_id}/"
    assert client.get("/audit/", {"client": "nope"}).context["error"]


def test_reports_speak_french(client, world, officer_a):
    _history(client, world)
    client.force_login(officer_a)
    body = client.get(f"/audit/clients/{world.client_a.public_id}/",
                      HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Qui a consulté ce dossier" in body and "Refusé" in body and "Consulté" in body


def test_neutralise():
    assert [neutralise(v) for v in ["=1+1", "+1", "-1", "@x", "\tx", "ok", -1, None]] == [
        "'=1+1", "'+1", "'-1", "'@x", "'\tx", "ok", -1, None]
    assert rows_to_csv(["=h"], [["a", "=b"]]) == "'=h\r\na,'=b\r\n"
