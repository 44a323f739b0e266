"""Hazards already registered from a public report stop telling the enterprise so (issue 13
item 5): their source 群众举报 becomes the generic 监管发现 and their time the day only. Their
descriptions were copied from the report and should be reviewed by the handlers (the hazard
page's history keeps the old values for staff)."""

import datetime as dt

from django.db import migrations
from django.utils import timezone


def generic(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Report = apps.get_model("public_reports", "Report")
    Hazard = apps.get_model("hazards", "Hazard")
    ct = ContentType.objects.filter(app_label="hazards", model="hazard").first()
    if ct is None:
        return
    ids = [int(i) for i in Report.objects.filter(link_type=ct).values_list("link_id", flat=True) if str(i).isdigit()]
    for hazard in Hazard.objects.filter(pk__in=ids, source="public_report"):
        day = timezone.localdate(hazard.found_at)
        hazard.source = "regulator"
        hazard.found_at = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
        hazard.save(update_fields=["source", "found_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("public_reports", "0005_evidence_generated_names"),
        ("hazards", "0005_source_regulator"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(generic, migrations.RunPython.noop)]
