# Encrypt free text about clients and their care at rest, existing rows included (decision 0020).

from django.db import migrations

import bridgeway.core.fields
from bridgeway.core.encrypted_rows import encrypt_existing


class Migration(migrations.Migration):

    dependencies = [
        ('safety', '0004_consent_withdrawn_rule'),
    ]

    operations = [
        migrations.AlterField(
            model_name='alert',
            name='resolution_note',
            field=bridgeway.core.fields.EncryptedCharField(blank=True, max_length=500, verbose_name='note'),
        ),
        migrations.AlterField(
            model_name='alertlog',
            name='note',
            field=bridgeway.core.fields.EncryptedCharField(blank=True, max_length=500),
        ),
        migrations.AlterField(
            model_name='binderentry',
            name='text',
            field=bridgeway.core.fields.EncryptedTextField(max_length=2000, verbose_name='entry'),
        ),
        migrations.AlterField(
            model_name='incident',
            name='description',
            field=bridgeway.core.fields.EncryptedTextField(blank=True, max_length=2000, verbose_name='what happened, in a few words'),
        ),
        migrations.AlterField(
            model_name='incident',
            name='follow_up',
            field=bridgeway.core.fields.EncryptedTextField(blank=True, max_length=2000, verbose_name='follow-up'),
        ),
        migrations.AlterField(
            model_name='notification',
            name='body',
            field=bridgeway.core.fields.EncryptedTextField(blank=True),
        ),
        migrations.AlterField(
            model_name='outreachcase',
            name='outcome_note',
            field=bridgeway.core.fields.EncryptedCharField(blank=True, max_length=300, verbose_name='note'),
        ),
        migrations.AlterField(
            model_name='outreachstep',
            name='note',
            field=bridgeway.core.fields.EncryptedCharField(blank=True, max_length=300, verbose_name='note'),
        ),
        encrypt_existing('safety', 'alert'),
        encrypt_existing('safety', 'alertlog'),
        encrypt_existing('safety', 'binderentry'),
        encrypt_existing('safety', 'incident'),
        encrypt_existing('safety', 'notification'),
        encrypt_existing('safety', 'outreachcase'),
        encrypt_existing('safety', 'outreachstep'),
    ]
