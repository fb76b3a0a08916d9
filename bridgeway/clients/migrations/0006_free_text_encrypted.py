# Encrypt free text about clients and their care at rest, existing rows included (decision 0020).

from django.db import migrations

import bridgeway.core.fields
from bridgeway.core.encrypted_rows import encrypt_existing


class Migration(migrations.Migration):

    dependencies = [
        ('clients', '0005_cover'),
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
        migrations.AlterField(
            model_name='consentrecord',
            name='note',
            field=bridgeway.core.fields.EncryptedCharField(blank=True, max_length=300, verbose_name='note'),
        ),
        migrations.AlterField(
            model_name='cover',
            name='note',
            field=bridgeway.core.fields.EncryptedCharField(blank=True, max_length=300, verbose_name='note'),
        ),
        migrations.AlterField(
            model_name='enrolment',
            name='referral_note',
            field=bridgeway.core.fields.EncryptedTextField(blank=True, max_length=4000, verbose_name='referral note'),
        ),
        migrations.AlterField(
            model_name='enrolmentstatuschange',
            name='reason',
            field=bridgeway.core.fields.EncryptedCharField(blank=True, max_length=300, verbose_name='reason'),
        ),
        migrations.AlterField(
            model_name='match',
            name='end_note',
            field=bridgeway.core.fields.EncryptedCharField(blank=True, max_length=300, verbose_name='end note'),
        ),
        encrypt_existing('clients', 'client'),
        encrypt_existing('clients', 'consentrecord'),
        encrypt_existing('clients', 'cover'),
        encrypt_existing('clients', 'enrolment'),
        encrypt_existing('clients', 'enrolmentstatuschange'),
        encrypt_existing('clients', 'match'),
    ]
