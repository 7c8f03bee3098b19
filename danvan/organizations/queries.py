"""Reads over organizations."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    from danvan.organizations.models import Organization  # noqa: F401 (the generic below)


def valid_on_q(day: datetime.date) -> Q:
    """Bodies that existed on `day`: their own validity and their unit's."""
    return (
        (Q(valid_from__isnull=True) | Q(valid_from__lte=day))
        & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        & (Q(unit__valid_from__isnull=True) | Q(unit__valid_from__lte=day))
        & (Q(unit__valid_to__isnull=True) | Q(unit__valid_to__gte=day))
    )


class OrganizationQuerySet(models.QuerySet["Organization"]):
    def valid_on(self, day: datetime.date) -> OrganizationQuerySet:
        return self.filter(valid_on_q(day))
