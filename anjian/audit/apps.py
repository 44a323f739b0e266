from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "anjian.audit"
    label = "audit"
    verbose_name = _("审计与流程记录")

    def ready(self) -> None:
        # at ready(): the app registry is loaded, the models may be imported
        from anjian.audit.display import name_workflow
        from anjian.audit.services import record_event
        from anjian.core import workflow

        workflow.EFFECTS.record_event = record_event  # each transition writes its timeline event
        workflow.on_register(name_workflow)
