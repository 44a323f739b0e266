"""The base of every historical (row-version) model: adds the request id."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from anjian.core.middleware import current_request_id


class HistoryBase(models.Model):
    request_id = models.CharField(_("请求编号"), max_length=64, blank=True, default=current_request_id)

    class Meta:
        abstract = True
