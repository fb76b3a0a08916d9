"""Free text encrypted at rest (decision 0020): the column holds a token, reads give the text,
queries the database cannot answer on ciphertext fail loudly, the key ring is built once."""

from __future__ import annotations

import pytest
from django.core.exceptions import FieldError, ValidationError
from django.db import connection
from django.test import override_settings

from bridgeway.clients.models import Client
from bridgeway.core import crypto
from bridgeway.core.fields import UnreadableText
from tests import factories as f

pytestmark = pytest.mark.django_db

SECRET = "Voices at night; call her sister Élise first"


def raw(model: type, pk: int, column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {model._meta.db_table} WHERE id = %s", [pk])  # noqa: S608 — test-only, fixed names
        return cursor.fetchone()[0]


def test_the_column_holds_a_token_and_reads_give_the_text() -> None:
    client = f.ClientFactory(safety_notes=SECRET, background="Grew up in Sudbury")
    stored = raw(Client, client.pk, "safety_notes")
    assert "Élise" not in stored and "Voices" not in stored
    assert crypto.decrypt(stored) == SECRET
    assert Client.objects.get(pk=client.pk).safety_notes == SECRET
    assert Client.objects.filter(pk=client.pk).values_list("background", flat=True)[0] == \
        "Grew up in Sudbury"


def test_empty_text_stays_empty_and_can_be_tested() -> None:
    with_notes = f.ClientFactory(safety_notes=SECRET)
    without = f.ClientFactory(safety_notes="")
    assert raw(Client, without.pk, "safety_notes") == ""
    assert list(Client.objects.exclude(safety_notes="").filter(
        pk__in=[with_notes.pk, without.pk])) == [with_notes]


@pytest.mark.parametrize("query", [
    lambda: list(Client.objects.filter(safety_notes=SECRET)),
    lambda: list(Client.objects.filter(safety_notes__icontains="voices")),
    lambda: list(Client.objects.filter(background__startswith="G")),
    lambda: list(Client.objects.order_by("safety_notes")),
    lambda: list(Client.objects.order_by("-background")),
])
def test_queries_that_cannot_work_on_ciphertext_are_refused(query) -> None:
    f.ClientFactory(safety_notes=SECRET)
    with pytest.raises(FieldError, match="encrypted"):
        query()


def test_the_plain_text_length_is_bounded() -> None:
    client = f.ClientFactory.build(safety_notes="x" * 4001)
    with pytest.raises(ValidationError) as caught:
        client.full_clean(exclude=["site", "public_id"])
    assert "safety_notes" in caught.value.message_dict


def test_a_token_without_its_key_reads_as_unreadable_and_is_saved_back_unchanged() -> None:
    with override_settings(BRIDGEWAY_FIELD_KEYS={1: "o" * 40}):
        client = f.ClientFactory(safety_notes=SECRET)
        token = raw(Client, client.pk, "safety_notes")
    with override_settings(BRIDGEWAY_FIELD_KEYS={2: "n" * 40}):
        again = Client.objects.get(pk=client.pk)
        assert isinstance(again.safety_notes, UnreadableText)
        assert SECRET not in again.safety_notes
        again.save()
        assert raw(Client, client.pk, "safety_notes") == token
    with override_settings(BRIDGEWAY_FIELD_KEYS={1: "o" * 40}):
        assert Client.objects.get(pk=client.pk).safety_notes == SECRET


def test_the_key_ring_is_built_once_per_key_setting() -> None:
    crypto.encrypt("warm up")
    before = crypto.keyring_builds()
    for _ in range(50):
        crypto.decrypt(crypto.encrypt("note"))
    assert crypto.keyring_builds() == before
    with override_settings(BRIDGEWAY_FIELD_KEYS={7: "s" * 40}):
        assert crypto.current_epoch() == 7
        crypto.encrypt("note")
        assert crypto.keyring_builds() == before + 1
    assert crypto.current_epoch() == 1
    assert crypto.keyring_builds() == before + 2


def test_reading_counting_and_testing_for_empty_still_work() -> None:
    from django.db.models import Count, Q

    f.ClientFactory(safety_notes=SECRET)
    f.ClientFactory(safety_notes="")
    assert Client.objects.aggregate(n=Count("pk", filter=~Q(safety_notes="")))["n"] == 1
    assert Client.objects.filter(safety_notes__isnull=False).count() == 2
    assert set(Client.objects.values_list("safety_notes", flat=True)) == {SECRET, ""}
    assert Client.objects.only("safety_notes").get(safety_notes="").safety_notes == ""



def test_encryption_report_counts_without_showing_and_fails_on_plain_text() -> None:
    import io

    from django.core.management import CommandError, call_command

    from bridgeway.audit.models import AuditEvent

    client = f.ClientFactory(safety_notes=SECRET, background="")
    out = io.StringIO()
    call_command("encryption_report", stdout=out)
    report = out.getvalue()
    assert "clients.Client.safety_notes" in report and "No plain text" in report
    assert "Voices" not in report
    with connection.cursor() as cursor:  # what a row written around the application looks like
        cursor.execute("UPDATE clients_client SET background = %s WHERE id = %s",
                       ["Plain words", client.pk])
    with pytest.raises(CommandError, match="1 value"):
        call_command("encryption_report", stdout=io.StringIO())
    assert AuditEvent.objects.filter(action="encryption_report").count() == 2


@pytest.mark.postgres
def test_postgresql_columns_hold_tokens_only() -> None:
    assert connection.vendor == "postgresql"
    test_the_column_holds_a_token_and_reads_give_the_text()
    from bridgeway.core.encrypted_rows import census, encrypted_tables

    counts = [c for cols in encrypted_tables() for c in census(cols)]
    assert sum(c.plain for c in counts) == 0 and sum(c.current for c in counts) >= 2
