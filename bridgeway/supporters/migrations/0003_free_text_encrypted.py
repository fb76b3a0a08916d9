# Encrypt free text about clients and their care at rest, existing rows included (decision 0020).

from django.db import migrations

import bridgeway.core.fields
from bridgeway.core.encrypted_rows import encrypt_existing


class Migration(migrations.Migration):

    dependencies = [
        ('supporters', '0002_wellbeing_from_safety'),
        # The session table was safety's: on SQLite altering a field remakes the table, so
        # this must be undone before safety 0002 puts the old incident column back.
        ('safety', '0002_wellbeing_to_supporters'),
    ]

    operations = [
        migrations.AlterField(
            model_name='checkin',
            name='note',
            field=bridgeway.core.fields.EncryptedCharField(blank=True, max_length=500, verbose_name='anything to add (optional)'),
        ),
        migrations.AlterField(
            model_name='supervisionsession',
            name='notes',
            field=bridgeway.core.fields.EncryptedTextField(blank=True, max_length=4000, verbose_name='notes (private)'),
        ),
        encrypt_existing('supporters', 'checkin'),
        encrypt_existing('supporters', 'supervisionsession'),
    ]
