import pytest
from django.urls import reverse

from danvan.datasets.models import DataElement, DataValue, Submission
from danvan.datasets.services import data_value_save, submission_submit


def form_url(form, name="datasets:form-org", **extra):
    return reverse(
        name,
        kwargs={
            "data_set": form.data_set.code,
            "period": form.period.id,
            "organization_pk": form.organization.pk,
            **extra,
        },
    )


def fill(form, user, **values):
    for code, raw in values.items():
        data_value_save(actor=user, form=form, element=DataElement.objects.get(code=code), raw=raw)


def test_the_form_lists_its_sections_and_cells(client, world, commune_form):
    client.force_login(world.district_clerk)

    response = client.get(form_url(commune_form))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Tổng số đoàn viên, hội viên cuối kỳ" in body
    assert "Tổ chức cơ sở xếp loại vững mạnh" in body
    assert "Tổng số hộ" not in body  # a unit figure, not the organization's


def test_saving_a_cell_answers_with_the_formatted_row(client, world, commune_form):
    client.force_login(world.district_clerk)

    response = client.post(
        form_url(commune_form, "datasets:cell-org", element="members"),
        {"value": "1234", "revision": "0"},
        HTTP_HX_REQUEST="true",
    )

    body = response.content.decode()
    assert 'value="1.234"' in body
    assert "<html" not in body
    assert DataValue.objects.get().value == 1234


def test_a_bad_cell_shows_the_error_inline_and_keeps_the_text(client, world, commune_form):
    client.force_login(world.district_clerk)

    response = client.post(
        form_url(commune_form, "datasets:cell-org", element="members"),
        {"value": "12,5", "revision": "0"},
    )

    body = response.content.decode()
    assert 'aria-invalid="true"' in body
    assert 'value="12,5"' in body
    assert "số nguyên" in body
    assert not DataValue.objects.exists()


def test_a_rule_violation_is_shown_inline(client, world, commune_form):
    client.force_login(world.district_clerk)
    fill(commune_form, world.district_clerk, members="100")

    response = client.post(
        form_url(commune_form, "datasets:cell-org", element="members_studied"),
        {"value": "120", "revision": "0"},
    )

    body = response.content.decode()
    assert "(Đoàn viên, hội viên tham gia học tập các chỉ thị, nghị quyết: 120; " in body
    assert "Tổng số đoàn viên, hội viên cuối kỳ: 100)" in body
    assert "120 ≤ 100" not in body


def test_the_history_of_a_cell(client, world, commune_form):
    client.force_login(world.district_clerk)
    fill(commune_form, world.district_clerk, members="100")
    fill(commune_form, world.district_clerk, members="120")

    response = client.get(form_url(commune_form, "datasets:history-org", element="members"))

    body = response.content.decode()
    assert body.count("one.clerk") == 2


def test_submitting_from_the_page(client, world, commune_form):
    client.force_login(world.district_clerk)
    fill(commune_form, world.district_clerk, members="100")

    response = client.post(
        form_url(commune_form, "datasets:submit-org"), {"comment": ""}, follow=True
    )

    assert commune_form.submission().status == Submission.Status.SUBMITTED
    body = response.content.decode()
    assert "disabled" in body


def test_the_approver_sees_it_waiting_and_returns_it(client, world, commune_form):
    fill(commune_form, world.district_clerk, members="100")
    submission = submission_submit(actor=world.district_clerk, form=commune_form)
    client.force_login(world.district_approver)

    inbox = client.get(reverse("datasets:inbox")).content.decode()
    client.post(
        reverse("datasets:decide", args=[submission.pk, "return"]), {"comment": "Sai số liệu"}
    )

    assert "Hội Nông dân xã Một A" in inbox
    submission.refresh_from_db()
    assert submission.status == Submission.Status.RETURNED
    clerk_inbox = client.get(reverse("datasets:inbox"))
    client.force_login(world.district_clerk)
    clerk_inbox = client.get(reverse("datasets:inbox")).content.decode()
    assert "Sai số liệu" in clerk_inbox


def test_returning_without_a_comment_says_why(client, world, commune_form):
    fill(commune_form, world.district_clerk, members="100")
    submission = submission_submit(actor=world.district_clerk, form=commune_form)
    client.force_login(world.district_approver)

    response = client.post(
        reverse("datasets:decide", args=[submission.pk, "return"]), {"comment": ""}, follow=True
    )

    assert "bắt buộc" in response.content.decode()
    submission.refresh_from_db()
    assert submission.status == Submission.Status.SUBMITTED


def test_completeness_counts_forms_by_unit(
    client, world, commune_form, django_assert_max_num_queries
):
    fill(commune_form, world.district_clerk, members="100")
    submission_submit(actor=world.district_clerk, form=commune_form)
    client.force_login(world.province_admin)

    with django_assert_max_num_queries(20):
        response = client.get(
            reverse("datasets:completeness"), {"data_set": "nq06-org", "period": "2021"}
        )

    report = response.context["report"]
    assert report.total.expected == (1 + 2 + 3) * 6
    assert report.total.submitted == 1
    assert {r.unit.name: r.submitted for r in report.rows}["Huyện Một"] == 1
    # Submitted today, years after the 2021 deadline: late too, like every missing form.
    assert report.total.on_time == 0
    assert len(report.late) == report.total.expected
    assert [m.status for m in report.late].count("submitted") == 1


def test_the_validation_analysis_lists_violations_in_scope(client, world, commune_form):
    fill(commune_form, world.district_clerk, members="100", members_studied="120")
    client.force_login(world.province_admin)

    response = client.get(
        reverse("datasets:validation"), {"data_set": "nq06-org", "period": "2021"}
    )

    found = response.context["found"]
    assert [(u.name, option, v.rule_code) for u, option, v, _text in found] == [
        ("Xã Một A", "Hội Nông dân", "studied_le_members")
    ]
    assert found[0][3].endswith("nghị quyết: 120; Tổng số đoàn viên, hội viên cuối kỳ: 100)")


def test_the_entry_form_query_budget(client, world, commune_form, django_assert_max_num_queries):
    fill(commune_form, world.district_clerk, members="100", members_studied="90")
    client.force_login(world.district_clerk)

    with django_assert_max_num_queries(25):
        client.get(form_url(commune_form))


def test_a_bad_period_is_not_found(client, world, commune_form):
    client.force_login(world.district_clerk)

    response = client.get(
        reverse(
            "datasets:form-org",
            kwargs={
                "data_set": "nq06-org",
                "period": "20x1",
                "organization_pk": commune_form.organization.pk,
            },
        )
    )

    assert response.status_code == 404


def test_the_inbox_query_budget(client, world, catalogue, django_assert_max_num_queries):
    from danvan.datasets.queries import EntryForm, period_get
    from danvan.datasets.services import submission_get_or_create
    from danvan.organizations.models import Organization

    organizations = Organization.objects.filter(unit__parent=world.district_one, kind="territorial")
    for organization in organizations:
        form = EntryForm(catalogue["nq06-org"], organization.unit, organization, period_get("2021"))
        submission_get_or_create(form)  # twelve drafts waiting for the clerk
    client.force_login(world.district_clerk)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("datasets:inbox"))

    assert len(response.context["to_fix"]) == 12


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", "http:///x"]
)
def test_a_decision_never_redirects_off_the_site(client, world, commune_form, target, caplog):
    fill(commune_form, world.district_clerk, members="100")
    submission = submission_submit(actor=world.district_clerk, form=commune_form)
    client.force_login(world.district_approver)

    response = client.post(
        reverse("datasets:decide", args=[submission.pk, "return"]),
        {"comment": "Sai", "next": target},
    )

    assert response.status_code == 302
    assert response["Location"] == form_url(commune_form)
    assert any(r.name == "danvan.security" for r in caplog.records)


def test_a_decision_follows_a_next_on_this_site(client, world, commune_form):
    fill(commune_form, world.district_clerk, members="100")
    submission = submission_submit(actor=world.district_clerk, form=commune_form)
    client.force_login(world.district_approver)

    response = client.post(
        reverse("datasets:decide", args=[submission.pk, "return"]),
        {"comment": "Sai", "next": "/figures/inbox/"},
    )

    assert response["Location"] == "/figures/inbox/"


def test_a_cell_saved_after_the_session_ended_gets_401_not_the_sign_in_page(
    client, world, commune_form
):
    url = form_url(commune_form, "datasets:cell-org", element="members")

    htmx = client.post(url, {"value": "1", "revision": "0"}, HTTP_HX_REQUEST="true")
    plain = client.post(url, {"value": "1", "revision": "0"})

    assert htmx.status_code == 401
    assert htmx["HX-Reswap"] == "none"
    assert "<html" not in htmx.content.decode()
    assert plain.status_code == 302
    assert not DataValue.objects.exists()
