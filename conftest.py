"""The canonical small world every test can use.

Tỉnh A (01) with two districts: Huyện Một (011) with communes Xã Một A (01101) and Xã Một B
(01102); Huyện Zeta (012) with Xã Zeta Một (01201). Each commune has two hamlets. Personas:
a province administrator, a district clerk of Huyện Một, and a clerk of the other district
(Huyện Zeta), who must see nothing of Huyện Một.

`reform_world` is a second, separate world (it cannot be combined with `world`: both make
the vn-legacy version): the smallest one across the 2025 reform.
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
    from danvan.geography.tests.factories import unit_create
    from danvan.organizations.services import organizations_ensure_for

    Kind, Level = AdministrativeUnit.Kind, AdministrativeUnit.Level
    version = HierarchyVersion.objects.create(
        code="vn-legacy", name="Trước 01/7/2025", valid_to=datetime.date(2025, 6, 30)
    )

    def unit(code, name, kind, level, parent=None):  # type: ignore[no-untyped-def]
        return unit_create(version, code, name, kind, level, parent)

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


# --- across the 2025 reform ------------------------------------------------------------------

REFORM_RESOLUTION = {
    "resolution": {
        "number": "09-NQ/TU",
        "issued_on": "2016-07-21",
        "issuing_body": "Ban Chấp hành Đảng bộ tỉnh Sông Hậu khóa XIII",
        "title": "về nâng cao chất lượng hoạt động của Mặt trận Tổ quốc và các đoàn thể",
        "term": [2016, 2020],
        "unit": {"hierarchy": "vn-legacy", "code": "71"},
        "baseline": "2016",
        "target_rule": "upcoming",
    },
    "indicators": [
        {
            "number": 1,
            "name": "Đoàn viên, hội viên tham gia học tập các chỉ thị, nghị quyết từ 98% trở lên.",
            "status": {"decided_by": "all"},
            "parts": [
                {
                    "code": "members-studied",
                    "level": 3,
                    "level_label": "Cấp xã",
                    "name": "Đoàn viên, hội viên tham gia học tập",
                    "numerator": "#{members_studied}",
                    "denominator": "#{members}",
                    "count_noun": "đoàn viên, hội viên",
                    "target": {"kind": "at_least", "every_year": True, "by": {2016: 98}},
                }
            ],
        },
        {
            "number": 2,
            "name": "Cán bộ chủ chốt cấp huyện đạt chuẩn về lý luận chính trị.",
            "status": {"decided_by": "all"},
            "parts": [
                {
                    "code": "district-political",
                    "level": 2,
                    "until": "2025-06-30",
                    "level_label": "Cấp huyện",
                    "name": "Về trình độ chính trị",
                    "numerator": "#{cadre_heads_political}",
                    "denominator": "#{cadre_heads}",
                    "count_noun": "đồng chí",
                    "target": {"kind": "at_least", "by": {2020: 100}},
                }
            ],
        },
    ],
}


@pytest.fixture
def reform_world(db, catalogue, tmp_path):  # type: ignore[no-untyped-def]
    """Two hierarchy versions and a resolution that spans them, the smallest that shows
    the 2025 reform end to end.

    Before 1/7/2025 (vn-legacy): Tỉnh Sông Hậu (71) → Huyện Phú Mỹ (711) → Xã Phú An
    (71101) and Xã Phú Bình (71102). From 1/7/2025 (vn-2025, no districts): Thành phố Tây
    Đô (70) → Xã Phú An Bình (70001), which took over both old communes whole; the old
    province went to the city. Bodies as `structures/organization-bodies.yaml` gives them.
    Resolution 09-NQ/TU of the old province (approved forms count): a commune rate (members
    who studied, Farmers' Union forms) and a district part that ends on 30/6/2025.
    Approved through the services, as the old province's administrator entered them:
    2016 — 800/1000 and 400/500 studied (80%), district cadres 4/5; 2021 — 950/1000 and
    490/500 (96%), district cadres 5/5. Personas of the new era: the new commune's clerk
    (phuanbinh.clerk), the city's approver (taydo.approver) and analyst (taydo.analyst).
    """
    import yaml

    from danvan.accounts.models import User
    from danvan.accounts.services import user_create
    from danvan.datasets.models import DataElement
    from danvan.datasets.queries import EntryForm, period_get
    from danvan.datasets.services import data_value_save, submission_approve, submission_submit
    from danvan.geography.carrying import carry_links_rebuild
    from danvan.geography.models import AdministrativeUnit, HierarchyVersion, UnitSuccession
    from danvan.geography.tests.factories import unit_create
    from danvan.indicators.definitions import resolution_load
    from danvan.organizations.models import Organization
    from danvan.organizations.services import body_structures_read, organizations_ensure_for

    Kind, Level = AdministrativeUnit.Kind, AdministrativeUnit.Level
    reform = datetime.date(2025, 7, 1)
    legacy = HierarchyVersion.objects.create(
        code="vn-legacy", name="Trước 01/7/2025", valid_to=reform - datetime.timedelta(days=1)
    )
    newer = HierarchyVersion.objects.create(
        code="vn-2025", name="Từ 01/7/2025", valid_from=reform, has_district_level=False
    )

    unit = unit_create

    province = unit(legacy, "71", "Tỉnh Sông Hậu", Kind.PROVINCE, Level.PROVINCE)
    district = unit(legacy, "711", "Huyện Phú Mỹ", Kind.RURAL_DISTRICT, Level.DISTRICT, province)
    commune_a = unit(legacy, "71101", "Xã Phú An", Kind.COMMUNE, Level.COMMUNE, district)
    commune_b = unit(legacy, "71102", "Xã Phú Bình", Kind.COMMUNE, Level.COMMUNE, district)
    city = unit(newer, "70", "Thành phố Tây Đô", Kind.CITY, Level.PROVINCE)
    commune = unit(newer, "70001", "Xã Phú An Bình", Kind.COMMUNE, Level.COMMUNE, city)
    for old, new in ((province, city), (commune_a, commune), (commune_b, commune)):
        UnitSuccession.objects.create(predecessor=old, successor=new, effective_date=reform)
    carry_links_rebuild()
    structures = body_structures_read()
    organizations_ensure_for(root=province, structure=structures["vn-legacy"])
    organizations_ensure_for(root=city, structure=structures["vn-2025"])

    path = tmp_path / "09-NQ-TU.yaml"
    path.write_text(yaml.safe_dump(REFORM_RESOLUTION, allow_unicode=True), encoding="utf-8")
    resolution = resolution_load(path)

    def person(username, role, home):  # type: ignore[no-untyped-def]
        return user_create(
            actor=None, username=username, password="pw-for-tests-1", role=role, home_unit=home
        )

    old_admin = person("songhau.admin", User.Role.ADMINISTRATOR, province)
    data_set = catalogue["nq06-org"]
    elements = {e.code: e for e in DataElement.objects.all()}

    def approved(where, body, year, figures, clerk=old_admin, approver=old_admin):  # type: ignore[no-untyped-def]
        """A form of `body` at `where` entered, submitted and approved through the services."""
        organization = Organization.objects.get(unit=where, type__code=body)
        form = EntryForm(data_set, where, organization, period_get(year))
        for code, raw in figures.items():
            data_value_save(actor=clerk, form=form, element=elements[code], raw=raw)
        submission = submission_submit(actor=clerk, form=form)
        return submission_approve(actor=approver, submission=submission)

    for year, studied_a, studied_b, political in (("2016", 800, 400, 4), ("2021", 950, 490, 5)):
        approved(commune_a, "hnd", year, {"members": "1000", "members_studied": str(studied_a)})
        approved(commune_b, "hnd", year, {"members": "500", "members_studied": str(studied_b)})
        approved(
            district,
            "mttq",
            year,
            {"cadre_heads": "5", "cadre_heads_political": str(political)},
        )

    class World:
        pass

    w = World()
    w.legacy, w.newer = legacy, newer
    w.province, w.district, w.commune_a, w.commune_b = province, district, commune_a, commune_b
    w.city, w.commune = city, commune
    w.resolution = resolution
    w.old_admin = old_admin
    w.approved = approved
    w.clerk = person("phuanbinh.clerk", User.Role.DATA_CLERK, commune)
    w.approver = person("taydo.approver", User.Role.APPROVER, city)
    w.analyst = person("taydo.analyst", User.Role.BOARD_ANALYST, city)
    return w
