# Health card numbers leave the client row for an encrypted identifier (decision 0013).

from django.db import migrations


def move_health_cards(apps, schema_editor):
    """Each plain health card number becomes an encrypted, indexed identifier.

    Two records holding the same card (nothing prevented it before) cannot both hold it as a
    health card: the first keeps it, the others keep the number as another identifier labelled
    for review, indexed per record so nothing is lost and no constraint fails; an administrator
    merges them if they are one person (docs/user-guide)."""
    import uuid

    from bridgeway.core import crypto

    Client = apps.get_model("clients", "Client")
    ClientIdentifier = apps.get_model("clients", "ClientIdentifier")
    seen: set[str] = set()
    rows = []
    for client in Client.objects.exclude(health_card_number="").order_by("id").iterator():
        stored = client.health_card_number.replace(" ", "").replace("-", "").upper()
        digits = stored[:10]
        if digits not in seen:
            seen.add(digits)
            kind, label, index_text = "health_card", "", f"health_card|{digits}"
        else:
            kind = "other"
            label = "Health card number (also on another record)"
            index_text = f"other|migrated-duplicate|{client.pk}|{digits}"
        rows.append(ClientIdentifier(
            public_id=uuid.uuid4(), client_id=client.pk, kind=kind, label=label,
            value_encrypted=crypto.encrypt(stored), blind_index=crypto.blind_index(index_text),
            source="migrated from the client record"))
        if len(rows) >= 1000:
            ClientIdentifier.objects.bulk_create(rows)
            rows = []
    ClientIdentifier.objects.bulk_create(rows)


def restore_health_cards(apps, schema_editor):
    from bridgeway.core import crypto

    Client = apps.get_model("clients", "Client")
    ClientIdentifier = apps.get_model("clients", "ClientIdentifier")
    for identifier in ClientIdentifier.objects.filter(kind="health_card").iterator():
        Client.objects.filter(pk=identifier.client_id).update(
            health_card_number=crypto.decrypt(identifier.value_encrypted)[:14])


class Migration(migrations.Migration):

    dependencies = [
        ('clients', '0003_identifiers_search_merge'),
    ]

    operations = [
        migrations.RunPython(move_health_cards, restore_health_cards),
        migrations.RemoveField(
            model_name='client',
            name='health_card_number',
        ),
    ]
