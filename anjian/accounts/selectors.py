"""Reads for the user administration pages."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet

from anjian.accounts import delegation
from anjian.accounts.models import Membership, User
from anjian.audit.models import Event
from anjian.core.scoping import has_action


def visible_users(user: User) -> QuerySet[User]:
    """Users whose grants the viewer may see; users without any active grant only to a city-wide
    administrator or to the administrator who created them."""
    if user.is_superuser:
        return User.objects.all()
    visible = Membership.objects.restrict(user, "accounts.view").values("user_id")
    qs = User.objects.filter(pk__in=visible)
    if has_action(user, "accounts.manage"):
        orphans = User.objects.exclude(memberships__is_active=True)
        if not delegation.reaches(user, None):
            created = Event.objects.filter(
                verb="created", actor=user, content_type=ContentType.objects.get_for_model(User)
            ).values_list("object_id", flat=True)
            orphans = orphans.filter(pk__in=[int(x) for x in created])
        qs = qs | orphans
    return qs
