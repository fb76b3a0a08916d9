# Encrypt free text about clients and their care at rest, existing rows included (decision 0020).

from django.db import migrations

import bridgeway.core.fields
from bridgeway.core.encrypted_rows import encrypt_existing


class Migration(migrations.Migration):

    dependencies = [
        ('contacts', '0003_group_schedule'),
    ]

    operations = [
        migrations.AlterField(
            model_name='appointment',
            name='outcome_note',
            field=bridgeway.core.fields.EncryptedTextField(blank=True, max_length=2000, verbose_name='how it went'),
        ),
        migrations.AlterField(
            model_name='contact',
            name='note',
            field=bridgeway.core.fields.EncryptedTextField(blank=True, max_length=2000, verbose_name='note'),
        ),
        migrations.AlterField(
            model_name='contactversion',
            name='reason',
            field=bridgeway.core.fields.EncryptedCharField(blank=True, max_length=300, verbose_name='reason'),
        ),
        migrations.AlterField(
            model_name='contactversion',
            name='values',
            field=bridgeway.core.fields.EncryptedJSONField(),
        ),
        migrations.AlterField(
            model_name='goalnote',
            name='text',
            field=bridgeway.core.fields.EncryptedTextField(max_length=2000, verbose_name='note'),
        ),
        migrations.AlterField(
            model_name='groupsession',
            name='note',
            field=bridgeway.core.fields.EncryptedTextField(blank=True, max_length=2000, verbose_name='note'),
        ),
        encrypt_existing('contacts', 'appointment'),
        encrypt_existing('contacts', 'contact'),
        encrypt_existing('contacts', 'contactversion'),
        encrypt_existing('contacts', 'goalnote'),
        encrypt_existing('contacts', 'groupsession'),
    ]
