from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "anjian.documents"
    label = "documents"
    verbose_name = _("文书与附件")

    def ready(self) -> None:
        from anjian.core.menu import Entry, register
        from anjian.documents import export_jobs  # noqa: F401 - registers the export job and its verbs

        register(Entry(_("工作台"), _("我的导出"), "documents:exports", "jobs.view", "bi-file-earmark-arrow-down", 4))
