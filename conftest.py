"""The canonical small world every test can use.

Tỉnh A (01) with two districts: Huyện Một (011) with communes Xã Một A (01101) and Xã Một B
(01102); Huyện Zeta (012) with Xã Zeta Một (01201). Each commune has two hamlets. Personas:
a province administrator, a district clerk of Huyện Một, and a clerk of the other district
(Huyện Zeta), who must see nothing of Huyện Một.
"""

import datetime
from pathlib import Path

import pytest


def pytest_configure(config):  # type: ignore[no-untyped-def]
    # The SQLite test database is a file under var/ (see settings): a fresh clone has none.
    (Path(__file__).parent / "var").mkdir(exist_ok=True)


@pytest.fixture(autouse=True)
def _security_log_captured(caplog):  # type: ignore[no-untyped-def]
    # The security logger writes JSON lines to its own handler and does not propagate to
    # the root logger, where caplog listens: let caplog see it too.
    import logging

    logger = logging.getLogger("danvan.security")
    logger.addHandler(caplog.handler)
    yield
    logger.removeHandler(caplog.handler)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):  # type: ignore[no-untyped-def]
    # PBKDF2 costs ~0.3 s a user; tests check scope, not hashing strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db):  # type: ignore[no-untyped-def]
    from danvan.accounts.models import User
    from danvan.accounts.services import user_create
    from danvan.geography.models import AdministrativeUnit, HierarchyVersion
    from danvan.organizations.services import organizations_ensure_for

    Kind, Level = AdministrativeUnit.Kind, AdministrativeUnit.Level
    version = HierarchyVersion.objects.create(
        code="vn-legacy", name="Trước 01/7/2025", valid_to=datetime.date(2025, 6, 30)
    )

    def unit(code, name, kind, level, parent=None):  # type: ignore[no-untyped-def]
        return AdministrativeUnit.objects.create(
            version=version,
            code=code,
            name=name,
            kind=kind,
            level=level,
            parent=parent,
            valid_to=version.valid_to,
        )

    province = unit("01", "Tỉnh A", Kind.PROVINCE, Level.PROVINCE)
    district_one = unit("011", "Huyện Một", Kind.RURAL_DISTRICT, Level.DISTRICT, province)
    district_two = unit("012", "Huyện Zeta", Kind.RURAL_DISTRICT, Level.DISTRICT, province)
    commune_one_a = unit("01101", "Xã Một A", Kind.COMMUNE, Level.COMMUNE, district_one)
    commune_one_b = unit("01102", "Xã Một B", Kind.COMMUNE, Level.COMMUNE, district_one)
    commune_two_a = unit("01201", "Xã Zeta Một", Kind.COMMUNE, Level.COMMUNE, district_two)
    hamlets = {}
    for commune in (commune_one_a, commune_one_b, commune_two_a):
        for index in (1, 2):
            hamlets[(commune.code, index)] = unit(
                f"{commune.code}-0{index}",
                f"Ấp {commune.name[3:]} {index}",
                Kind.HAMLET,
                Level.HAMLET,
                commune,
            )
    organizations_ensure_for(root=province)

    def person(username, role, home):  # type: ignore[no-untyped-def]
        return user_create(
            actor=None, username=username, password="pw-for-tests-1", role=role, home_unit=home
        )

    class World:
        pass

    w = World()
    w.version = version
    w.province = province
    w.district_one = district_one
    w.district_two = district_two
    w.commune_one_a = commune_one_a
    w.commune_one_b = commune_one_b
    w.commune_two_a = commune_two_a
    w.hamlets = hamlets
    w.province_admin = person("province.admin", User.Role.ADMINISTRATOR, province)
    w.district_clerk = person("one.clerk", User.Role.DATA_CLERK, district_one)
    w.other_clerk = person("two.clerk", User.Role.DATA_CLERK, district_two)
    w.district_approver = person("one.approver", User.Role.APPROVER, district_one)
    w.commune_viewer = person("one-a.viewer", User.Role.VIEWER, commune_one_a)
    return w


@pytest.fixture
def catalogue(db):  # type: ignore[no-untyped-def]
    """The real figures catalogue (data elements, data sets, validation rules)."""
    from danvan.datasets.catalogue import catalogue_load_all
    from danvan.datasets.models import DataSet

    catalogue_load_all()
    return {d.code: d for d in DataSet.objects.all()}


@pytest.fixture
def commune_form(world, catalogue):  # type: ignore[no-untyped-def]
    """The Farmers' Union form of Xã Một A for 2021."""
    from danvan.datasets.queries import EntryForm, period_get
    from danvan.organizations.models import Organization

    organization = Organization.objects.get(unit=world.commune_one_a, type__code="hnd")
    return EntryForm(catalogue["nq06-org"], world.commune_one_a, organization, period_get("2021"))


@pytest.fixture
def task_worker(settings, monkeypatch):  # type: ignore[no-untyped-def]
    """Tasks go to django-tasks-db, as in production; call the fixture to run the worker
    once over everything queued (in this thread, inside the test's transaction)."""
    from django_tasks_db.management.commands import db_worker

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # The worker closes connections between tasks; here that would end the test's transaction.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run() -> None:
        db_worker.Worker(
            queue_names=["default"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="test-worker",
            excluded_queue_names=[],
        ).run()

    return run
