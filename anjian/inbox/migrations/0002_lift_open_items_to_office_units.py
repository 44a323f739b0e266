"""Open items opened before due kinds had an office level: lift their owner jurisdiction to the
level whose office acts (as ``due_open`` now does), and take a committee/street office named as
owner department as its territory, so the waiting work reaches that office's 我的待办. Items owned
by an enterprise are left alone (their jurisdiction is where escalation starts)."""

from __future__ import annotations

from django.db import migrations

STREET, DISTRICT = 3, 2
LEVELS = {  # the kinds' unit_level at the time of this migration
    "hazards.confirm": STREET, "hazards.rectify": STREET, "hazards.verify": STREET, "hazards.review": DISTRICT,
    "hazards.referral": DISTRICT, "public_reports.triage": DISTRICT, "public_reports.dispatch": DISTRICT,
    "public_reports.handle": STREET, "public_reports.verify": DISTRICT, "public_reports.reply": DISTRICT,
    "accidents.verify": DISTRICT, "accidents.rectification": DISTRICT,
}
TERRITORIAL = ("committee", "street")


def lift(apps, schema_editor):
    DueItem = apps.get_model("inbox", "DueItem")
    Jurisdiction = apps.get_model("orgs", "Jurisdiction")
    items = DueItem.objects.filter(state="open", owner_enterprise__isnull=True).select_related(
        "owner_jurisdiction", "owner_department")
    for item in items.iterator(chunk_size=500):
        jurisdiction, department = item.owner_jurisdiction, item.owner_department
        if department is not None and department.kind in TERRITORIAL:
            jurisdiction, department = Jurisdiction.objects.get(pk=department.jurisdiction_id), None
        level = LEVELS.get(item.kind)
        if jurisdiction is not None and level is not None and jurisdiction.level > level:
            codes = [c for c in jurisdiction.path.strip("/").split("/") if c]
            above = list(Jurisdiction.objects.filter(code__in=codes, level__lte=level).order_by("-depth")[:1])
            if above:
                jurisdiction = above[0]
        if (jurisdiction, department) != (item.owner_jurisdiction, item.owner_department):
            DueItem.objects.filter(pk=item.pk).update(owner_jurisdiction=jurisdiction, owner_department=department)


class Migration(migrations.Migration):
    dependencies = [
        ("inbox", "0001_initial"),
        ("orgs", "0003_seed_sector_inherent_risk"),
    ]

    operations = [migrations.RunPython(lift, migrations.RunPython.noop)]
