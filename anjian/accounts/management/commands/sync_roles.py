from django.core.management.base import BaseCommand

from anjian.accounts.services import roles_ensure_system


class Command(BaseCommand):
    help = "Create missing system roles and add default actions introduced by an upgrade (run after migrate)."

    def handle(self, *args, **options):
        changed = roles_ensure_system()
        self.stdout.write(f"system roles created or updated: {changed}")
