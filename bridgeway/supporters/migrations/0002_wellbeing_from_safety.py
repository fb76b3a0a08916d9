"""Supervision sessions and check-ins move from the safety app to supporters (decision 0012).

State only: the tables stay where they are (`safety_supervisionsession`, its supporters table,
`safety_checkin`), now owned by supporters through `db_table`, so no row is copied or lost.
safety 0002 then drops them from the safety app's state and moves the incident link.
"""

import django.db.models.deletion
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0001_initial'),
        ('supporters', '0001_initial'),
        # The tables were created by the safety app; this migration only takes them over.
        ('safety', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.SeparateDatabaseAndState(database_operations=[], state_operations=[
        migrations.CreateModel(
            name='CheckIn',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('feeling', models.CharField(choices=[('fine', 'Doing fine'), ('talk', "I'd like to talk"), ('break', 'I need a break')], max_length=10, verbose_name='how are you doing?')),
                ('note', models.CharField(blank=True, max_length=500, verbose_name='anything to add (optional)')),
                ('handled_at', models.DateTimeField(blank=True, null=True)),
                ('handled_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('supporter', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='check_ins', to='supporters.supporterprofile')),
            ],
            options={
                'db_table': 'safety_checkin',
                'ordering': ['-created_at'],
            },
        ),
        migrations.CreateModel(
            name='SupervisionSession',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('kind', models.CharField(choices=[('individual', 'Individual supervision'), ('group', 'Group supervision'), ('debrief', 'Debrief after an incident')], max_length=12, verbose_name='kind')),
                ('held_on', models.DateField(verbose_name='held on')),
                ('notes', models.TextField(blank=True, max_length=4000, verbose_name='notes (private)')),
                ('led_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('site', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.programsite')),
                ('supporters', models.ManyToManyField(related_name='supervision_sessions', to='supporters.supporterprofile', verbose_name='peer supporters')),
            ],
            options={
                'db_table': 'safety_supervisionsession',
                'ordering': ['-held_on', '-id'],
            },
        ),
    ])]
