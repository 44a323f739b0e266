from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "anjian.accounts"
    label = "accounts"
    verbose_name = _("用户与权限")

    def ready(self) -> None:
        # at ready(): the app registry is loaded
        from anjian.accounts.actions import ACTIONS
        from anjian.core import lookups

        lookups.ACTIONS = ACTIONS  # the same dict: actions registered later are known too
        from anjian.accounts import imports  # noqa: F401 - registers the user import
