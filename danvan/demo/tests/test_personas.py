"""The demo's organization-restricted approver shows the organization scope at work."""

import pytest
from django.urls import reverse

from danvan.accounts.models import User


@pytest.mark.django_db
def test_the_farmers_union_approver_waits_only_for_farmers_union_forms(client, province):
    restricted = User.objects.get(username="vithanh.hnd.approver")
    everyone = User.objects.get(username="vithanh.approver")

    client.force_login(restricted)
    mine = client.get(reverse("datasets:inbox")).context["to_decide"]
    client.force_login(everyone)
    all_waiting = client.get(reverse("datasets:inbox")).context["to_decide"]

    assert mine
    assert {s.organization.type.code for s in mine} == {"hnd"}
    assert len(mine) < len(all_waiting)
