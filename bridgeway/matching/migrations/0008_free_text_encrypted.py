# Encrypt free text about clients and their care at rest, existing rows included (decision 0020).

from django.db import migrations

import bridgeway.core.fields
from bridgeway.core.encrypted_rows import encrypt_existing


class Migration(migrations.Migration):

    dependencies = [
        ('matching', '0007_proposal_open_indexes_partial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='proposal',
            name='decision_note',
            field=bridgeway.core.fields.EncryptedCharField(blank=True, max_length=300, verbose_name='note'),
        ),
        encrypt_existing('matching', 'proposal'),
    ]
