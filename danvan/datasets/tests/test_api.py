"""The figures API: token auth, scope, dataValueSets in and out, workflow, JSON errors."""

from __future__ import annotations

import json

import pytest

from danvan.datasets.exchange.tokens import api_token_create
from danvan.datasets.tests.exchange_helpers import figures, snapshot

__all__ = ["figures"]


@pytest.fixture
def clerk_key(world):  # type: ignore[no-untyped-def]
    return api_token_create(actor=None, user=world.district_clerk, name="test")[1]


@pytest.fixture
def other_key(world):  # type: ignore[no-untyped-def]
    return api_token_create(actor=None, user=world.other_clerk, name="test")[1]


def _auth(key: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_without_credentials_the_api_answers_401_in_json(client, world):
    response = client.get("/api/units")

    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_a_wrong_key_is_refused(client, world):
    response = client.get("/api/units", **_auth("dv_not-a-key"))

    assert response.status_code == 401


def test_units_are_those_in_scope(client, world, clerk_key):
    response = client.get("/api/units", **_auth(clerk_key))

    codes = {u["code"] for u in response.json()}
    assert response.status_code == 200
    assert "01101" in codes and "011" in codes
    assert not codes & {"012", "01201", "01"}


def test_session_auth_still_works(client, world, catalogue):
    client.force_login(world.district_clerk)

    response = client.get("/api/dataSets")

    assert response.status_code == 200
    assert {d["code"] for d in response.json()} == {"nq06-org", "nq06-unit"}


def test_get_data_value_sets_as_dhis2_json(client, world, figures, clerk_key):
    response = client.get(
        "/api/dataValueSets",
        {"dataSet": "nq06-org", "period": "2021", "orgUnit": "011", "children": "true"},
        **_auth(clerk_key),
    )

    document = json.loads(b"".join(response.streaming_content))
    assert response.status_code == 200
    members = next(v for v in document["dataValues"] if v["dataElement"] == "members")
    assert members == {
        "dataElement": "members",
        "categoryOptionCombo": "hnd",
        "period": "2021",
        "orgUnit": "01101",
        "value": "120",
        "comment": "ghi chú",
        "storedBy": "one.clerk",
        "lastUpdated": members["lastUpdated"],
    }


def test_another_districts_clerk_cannot_read_the_first_districts_values(
    client, world, figures, other_key
):
    response = client.get(
        "/api/dataValueSets",
        {"dataSet": "nq06-org", "period": "2021", "orgUnit": "01101"},
        **_auth(other_key),
    )

    assert response.status_code == 403
    assert response.json()["code"] == "out_of_scope"
    assert "Một" not in response.content.decode()


def test_another_districts_clerk_cannot_write_the_first_districts_values(
    client, world, figures, other_key
):
    before = snapshot()
    body = {
        "dataValues": [
            {
                "dataElement": "members",
                "categoryOptionCombo": "hnd",
                "period": "2021",
                "orgUnit": "01101",
                "value": "999",
            }
        ]
    }

    response = client.post(
        "/api/dataValueSets", json.dumps(body), content_type="application/json", **_auth(other_key)
    )

    assert response.status_code == 409
    conflict = response.json()["conflicts"][0]
    assert conflict["code"] == "out_of_scope"
    assert "out of scope" in conflict["reason"].lower() or "phạm vi" in conflict["reason"]
    assert snapshot() == before


def test_post_dry_run_reports_without_writing(client, world, figures, clerk_key):
    before = snapshot()
    body = {
        "period": "2021",
        "orgUnit": "01101",
        "dataValues": [
            {"dataElement": "members", "categoryOptionCombo": "hnd", "value": "125"},
            {"dataElement": "members_new", "categoryOptionCombo": "hnd", "value": 7},
        ],
    }

    response = client.post(
        "/api/dataValueSets?dryRun=true",
        json.dumps(body),
        content_type="application/json",
        **_auth(clerk_key),
    )

    result = response.json()
    assert response.status_code == 200
    assert result["dryRun"] and not result["applied"]
    assert result["importCount"] == {
        "imported": 1,
        "updated": 1,
        "unchanged": 0,
        "ignored": 0,
        "deleted": 0,
        "rejected": 0,
    }
    assert snapshot() == before


def test_post_csv_applies(client, world, figures, clerk_key):
    body = "dataelement,period,orgunit,categoryoptioncombo,value\nmembers,2021,01101,hnd,125\n"

    response = client.post("/api/dataValueSets", body, content_type="text/csv", **_auth(clerk_key))

    assert response.status_code == 200, response.content
    assert response.json()["applied"]
    from danvan.datasets.models import DataValue

    assert DataValue.objects.get(element__code="members").value == 125


def test_not_a_data_value_set_is_a_400_with_a_code(client, world, clerk_key):
    for body in ("[1, 2]", '{"foo": 1}', "{not json", ""):
        response = client.post(
            "/api/dataValueSets", body, content_type="application/json", **_auth(clerk_key)
        )

        assert response.status_code == 400, body
        assert response.json()["code"] in {"not_data_value_set", "empty", "unknown_field"}


def test_malformed_query_is_a_422_in_json(client, world, clerk_key):
    response = client.get("/api/units", {"level": "x"}, **_auth(clerk_key))

    assert response.status_code == 422
    assert response.json()["code"] == "malformed"


def test_unknown_unit_is_404_and_bad_period_400(client, world, catalogue, clerk_key):
    query = {"dataSet": "nq06-org", "period": "2021", "orgUnit": "99999"}

    missing = client.get("/api/dataValueSets", query, **_auth(clerk_key))
    bad_period = client.get(
        "/api/dataValueSets", {**query, "orgUnit": "011", "period": "20x1"}, **_auth(clerk_key)
    )

    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")
    assert (bad_period.status_code, bad_period.json()["code"]) == (400, "invalid")


def test_submit_and_approve_through_the_api(client, world, figures, clerk_key):
    approver_key = api_token_create(actor=None, user=world.district_approver, name="t")[1]
    client.post(
        "/api/dataValueSets",
        json.dumps(
            {
                "dataValues": [
                    {
                        "dataElement": "members",
                        "categoryOptionCombo": "hnd",
                        "period": "2021",
                        "orgUnit": "01101",
                        "value": "110",
                    }
                ]
            }
        ),
        content_type="application/json",
        **_auth(clerk_key),
    )

    submitted = client.post(
        "/api/submissions",
        json.dumps(
            {
                "dataSet": "nq06-org",
                "period": "2021",
                "orgUnit": "01101",
                "categoryOptionCombo": "hnd",
            }
        ),
        content_type="application/json",
        **_auth(clerk_key),
    )
    submission = submitted.json()
    approved = client.post(
        f"/api/submissions/{submission['id']}/approve",
        json.dumps({"comment": ""}),
        content_type="application/json",
        **_auth(approver_key),
    )
    clerk_approves = client.post(
        f"/api/submissions/{submission['id']}/approve",
        json.dumps({}),
        content_type="application/json",
        **_auth(clerk_key),
    )

    assert submitted.status_code == 200, submitted.content
    assert submission["status"] == "submitted"
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert clerk_approves.status_code in (400, 403)


def test_values_of_an_approved_form_are_rejected(client, world, figures, clerk_key):
    from danvan.datasets.models import Submission
    from danvan.datasets.services import submission_get_or_create

    submission = submission_get_or_create(figures["org_form"])
    Submission.objects.filter(pk=submission.pk).update(status=Submission.Status.APPROVED)
    before = snapshot()

    response = client.post(
        "/api/dataValueSets",
        json.dumps(
            {
                "dataValues": [
                    {
                        "dataElement": "members",
                        "categoryOptionCombo": "hnd",
                        "period": "2021",
                        "orgUnit": "01101",
                        "value": "1",
                    }
                ]
            }
        ),
        content_type="application/json",
        **_auth(clerk_key),
    )

    assert response.status_code == 409
    assert response.json()["conflicts"][0]["code"] == "locked"
    assert snapshot() == before


def test_completeness_in_scope(client, world, figures, clerk_key):
    response = client.get(
        "/api/completeness",
        {"dataSet": "nq06-org", "period": "2021", "orgUnit": "011"},
        **_auth(clerk_key),
    )

    assert response.status_code == 200
    assert {r["orgUnit"] for r in response.json()["rows"]} <= {"011", "01101", "01102"}


def test_a_nul_character_is_refused_in_json_and_nothing_breaks(client, world, catalogue, clerk_key):
    body = {"dataSet": "nq06-org", "period": "2021", "orgUnit": "011\u0000", "comment": "x"}

    response = client.post(
        "/api/submissions", body, content_type="application/json", **_auth(clerk_key)
    )
    after = client.get("/api/units", **_auth(clerk_key))

    assert response.status_code == 400
    assert response.json()["code"]  # ninja reports it as a body it cannot parse
    assert after.status_code == 200  # the connection and its transaction are fine


def test_a_nul_character_is_refused_in_a_query_string(client, world, clerk_key):
    response = client.get("/api/units", {"q": "a\u0000b"}, **_auth(clerk_key))

    assert response.status_code == 400
