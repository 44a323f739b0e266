from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InboxConfig(AppConfig):
    name = "anjian.inbox"
    label = "inbox"
    verbose_name = _("待办与期限")

    def ready(self) -> None:
        # at ready(): the app registry is loaded, the models may be imported
        from anjian.core import workflow
        from anjian.core.context_processors import register_counter
        from anjian.inbox import tasks  # noqa: F401 - the periodic schedule, also for the worker
        from anjian.inbox.selectors import due_item_list, unread_notifications
        from anjian.inbox.services import due_close, due_open

        workflow.EFFECTS.due_open = due_open  # a state that waits for somebody opens their to-do
        workflow.EFFECTS.due_close = due_close
        register_counter("todo_count", lambda user: due_item_list(user=user).count())
        register_counter("unread_count", lambda user: unread_notifications(user=user).count())
