"""Seed the local default inherent risk colours of sectors (local configuration, not national law;
see docs/enterprises.md). Only sectors still blank are set, so an administrator's choice stays."""

from django.db import migrations

# Frozen copy of anjian.orgs.risk.DEFAULT_INHERENT_RISK at the time of this migration.
DEFAULTS = {
    "B": "orange",
    "06": "red",
    "C": "yellow",
    "25": "orange",
    "26": "orange",
    "31": "orange",
    "32": "orange",
    "D": "yellow",
    "45": "orange",
    "E": "orange",
    "G": "yellow",
}


def seed(apps, schema_editor):
    Sector = apps.get_model("orgs", "Sector")
    for code, colour in DEFAULTS.items():
        Sector.objects.filter(code=code, inherent_risk="").update(inherent_risk=colour)


def unseed(apps, schema_editor):
    Sector = apps.get_model("orgs", "Sector")
    for code, colour in DEFAULTS.items():
        Sector.objects.filter(code=code, inherent_risk=colour).update(inherent_risk="")


class Migration(migrations.Migration):
    dependencies = [("orgs", "0002_sector_inherent_risk_and_band_policy")]

    operations = [migrations.RunPython(seed, unseed)]
