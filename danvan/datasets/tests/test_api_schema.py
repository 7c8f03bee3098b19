"""schemathesis against the API's own OpenAPI schema: no 500, every answer as documented."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from danvan.datasets.exchange.tokens import api_token_create
from danvan.datasets.tests.exchange_helpers import figures

__all__ = ["figures"]


@pytest.fixture
def keep_test_connection():  # type: ignore[no-untyped-def]
    """Calling the WSGI application directly fires the request signals, whose handler
    closes the database connection — and with it the test's transaction on PostgreSQL.
    Django's own test client detaches that handler; do the same."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(world):  # type: ignore[no-untyped-def]
    return api_token_create(actor=None, user=world.district_clerk, name="schemathesis")[1]


def test_the_api_keeps_its_schema(token, figures, keep_test_connection):  # type: ignore[no-untyped-def]
    from danvan.wsgi import application

    # The figures and indicator endpoints; the report checker (multipart uploads) has its own tests.
    # (schemathesis' lazy pytest fixture does not run under pytest 9: we drive it here.)
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application).include(
        tag_regex="^(figures|indicators)$"
    )
    operations = [result.ok() for result in schema.get_all_operations()]
    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
    ]

    assert len(operations) >= 10
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=8,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
            phases=[Phase.explicit, Phase.generate],
        )
        def check(case):  # type: ignore[no-untyped-def]
            case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=checks)

        check()
