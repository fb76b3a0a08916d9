"""Supervision sessions and check-ins now belong to supporters (decision 0012).

The tables stay (supporters 0002 took them over in its state). What changes in the database:
an incident's debriefs become a many-to-many link owned by safety (`safety_incident_debriefs`),
filled from the session's old `incident_id` column before that column is dropped, so every
existing link survives; then safety forgets both models (state only).
"""

from django.db import migrations, models


def copy_debrief_links(apps, schema_editor):
    OldSession = apps.get_model("safety", "SupervisionSession")
    Incident = apps.get_model("safety", "Incident")
    # The old reverse accessor (SupervisionSession.incident, related name "debriefs") hides
    # the new field on the historical model: reach the link table through _meta.
    Link = Incident._meta.get_field("debriefs").remote_field.through
    db = schema_editor.connection.alias
    Link.objects.using(db).bulk_create(
        [Link(incident_id=incident_id, supervisionsession_id=session_id)
         for session_id, incident_id in OldSession.objects.using(db)
         .filter(incident__isnull=False).values_list("id", "incident_id")],
        batch_size=1000)


def restore_debrief_links(apps, schema_editor):
    OldSession = apps.get_model("safety", "SupervisionSession")
    Incident = apps.get_model("safety", "Incident")
    db = schema_editor.connection.alias
    # A session back to one incident (the old column holds one): the first linked.
    Link = Incident._meta.get_field("debriefs").remote_field.through
    for link in Link.objects.using(db).order_by("-incident_id"):
        OldSession.objects.using(db).filter(pk=link.supervisionsession_id).update(
            incident_id=link.incident_id)


class Migration(migrations.Migration):

    dependencies = [
        ('safety', '0001_initial'),
        ('supporters', '0002_wellbeing_from_safety'),
    ]

    operations = [
        migrations.AddField(
            model_name='incident',
            name='debriefs',
            field=models.ManyToManyField(blank=True, related_name='incidents', to='supporters.supervisionsession', verbose_name='debriefs'),
        ),
        migrations.RunPython(copy_debrief_links, restore_debrief_links),
        migrations.RemoveField(
            model_name='supervisionsession',
            name='incident',
        ),
        migrations.SeparateDatabaseAndState(database_operations=[], state_operations=[
            migrations.DeleteModel(name='CheckIn'),
            migrations.DeleteModel(name='SupervisionSession'),
        ]),
    ]
