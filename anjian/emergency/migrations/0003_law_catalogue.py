"""Fill the law library with the texts the rules cite (``anjian.rules.laws.LAWS``). A later change
of the catalogue ships with a migration calling the idempotent ``services.law_catalogue_sync``."""

from django.db import migrations

from anjian.rules import laws


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    LawEntry = apps.get_model("emergency", "LawEntry")
    by_key = {}
    for law in laws.LAWS:
        entry, _created = LawEntry.objects.update_or_create(key=law.key, defaults={
            "kind": law.kind, "title": law.title, "number": law.number, "issuer": law.issuer,
            "issued_on": law.issued_on, "effective_on": law.effective_on, "repealed_on": law.repealed_on,
            "from_catalogue": True})
        by_key[law.key] = entry
    for law in laws.LAWS:
        if law.replaced_by:
            LawEntry.objects.filter(pk=by_key[law.key].pk).update(replaced_by=by_key[law.replaced_by])


class Migration(migrations.Migration):
    dependencies = [("emergency", "0002_law_library_duty_auto_incidents")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
