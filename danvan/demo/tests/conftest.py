import pytest
from django.db import connection, transaction
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
        if connection.vendor == "postgresql":
            # Check the demo's deferred foreign keys once, here. Left pending, they are
            # checked again by every test (Django checks constraints before rolling back
            # a test, inside a savepoint whose rollback puts them back in the queue):
            # minutes per test with the three provinces' history.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        yield AdministrativeUnit.objects.get(version__code="vn-legacy", code="93")
        transaction.set_rollback(True)
