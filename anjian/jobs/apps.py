from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "anjian.jobs"
    label = "jobs"
    verbose_name = _("后台任务")

    def ready(self) -> None:
        # at ready(): the tasks register how a job reaches the worker (jobs.registry.ENQUEUE)
        from anjian.jobs import tasks  # noqa: F401
