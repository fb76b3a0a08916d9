# Encrypt the client's background and safety notes at rest (decision 0020).

from django.db import migrations

import bridgeway.core.fields
from bridgeway.core.encrypted_rows import encrypt_existing


class Migration(migrations.Migration):

    dependencies = [
        ('clients', '0004_health_card_encrypted'),
    ]

    operations = [
        migrations.AlterField(
            model_name='client',
            name='background',
            field=bridgeway.core.fields.EncryptedTextField(blank=True, max_length=4000, verbose_name='background the client chooses to share'),
        ),
        migrations.AlterField(
            model_name='client',
            name='safety_notes',
            field=bridgeway.core.fields.EncryptedTextField(blank=True, max_length=4000, verbose_name='safety notes'),
        ),
        encrypt_existing('clients', 'Client'),
    ]
