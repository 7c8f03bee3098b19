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


@pytest.mark.django_db
def test_the_printed_logins_are_grouped_by_what_each_can_show(province):
    from danvan.demo.services import DEMO_PASSWORD, DemoLogin, demo_scenarios

    logins = [
        DemoLogin(u.username, DEMO_PASSWORD, u.get_role_display(), str(u.home_unit or ""))
        for u in User.objects.order_by("username")
    ]

    groups = {s.title: [name for name, _ in s.logins] for s in demo_scenarios(logins)}

    assert "phuong1.clerk" in groups["Fix a returned form (clerk)"]
    assert "vithanh.approver" in groups["Approve or return forms waiting (approver)"]
    assert "vithanh.hnd.approver" in groups["Approve or return forms waiting (approver)"]
    assert "tinh.analyst" in groups["Make the review report"]
    assert "admin" in groups["Administer (users, catalogue, resolutions)"]
    across = "Across the 2025 reform: an inherited resolution, the 10-year review"
    assert "cantho.analyst" in groups[across]
    assert "tinh.analyst" not in groups[across]
    every = [name for names in groups.values() for name in names]
    assert set(every) == {login.username for login in logins}
