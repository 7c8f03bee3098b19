import pytest
from django.db import transaction
from django.test import override_settings

from danvan.demo.services import demo_build
from danvan.geography.models import AdministrativeUnit


@pytest.fixture(scope="package")
def province(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """The real Hậu Giang demo world, built once for the package as `make demo-db` builds
    it, inside a transaction rolled back at the end."""
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=fast),
        transaction.atomic(),
    ):
        demo_build(progress=lambda line: None)
        yield AdministrativeUnit.objects.get(version__code="vn-legacy", code="93")
        transaction.set_rollback(True)
