"""Hotline operators see only what they entered (issue 13 item 6): their memberships are bound
to no unit. Existing hotline memberships bound to a jurisdiction, department or enterprise
(the demo bound it to the whole city) are unbound."""

from django.db import migrations


def unbind(apps, schema_editor):
    Membership = apps.get_model("accounts", "Membership")
    Membership.objects.filter(role__code="hotline").exclude(
        jurisdiction__isnull=True, department__isnull=True, enterprise__isnull=True
    ).update(jurisdiction=None, department=None, enterprise=None)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_login_counter")]

    operations = [migrations.RunPython(unbind, migrations.RunPython.noop)]
