"""Event kinds of the import framework (``documents.imports``), registered when the audit
timeline discovers every app's ``services`` module."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from anjian.audit.display import register_verbs

register_verbs([("import.stored", _("导入数据")), ("import.undone", _("撤销导入"))])
