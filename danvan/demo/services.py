"""The demo world: the real new Cần Thơ (2025) and the three old provinces merged into it
(old Cần Thơ, Hậu Giang, Sóc Trăng), their succession links, generated hamlets, the
organization bodies of each version, and demo users: one per role at five Hậu Giang units,
and for the new era a city approver and analyst and a new commune's clerk."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from danvan.accounts.models import User
from danvan.accounts.services import user_create
from danvan.datasets.catalogue import catalogue_load_all
from danvan.demo.figures import demo_figures_generate
from danvan.demo.history import demo_history_generate
from danvan.geography import services as geography
from danvan.geography.models import AdministrativeUnit, UnitSuccession
from danvan.indicators.definitions import resolutions_load_all
from danvan.indicators.sums import sums_rebuild
from danvan.lib.text import fold
from danvan.organizations.services import organization_bodies_load

DEMO_RESOLUTIONS = Path(__file__).resolve().parent / "resolutions"
HAU_GIANG = "93"
CAN_THO = "92"
HAU_GIANG_HAMLETS = 525  # the seed's count
# Old Cần Thơ and Sóc Trăng: hamlets are in no public dataset; these totals are invented.
SYNTHETIC_HAMLETS = {"92": 630, "94": 820}
DEMO_PASSWORD = "danvan2026"

ROLE_SUFFIX = {
    User.Role.ADMINISTRATOR: "admin",
    User.Role.BOARD_ANALYST: "analyst",
    User.Role.DATA_CLERK: "clerk",
    User.Role.APPROVER: "approver",
    User.Role.VIEWER: "viewer",
}


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str
    unit: str


@transaction.atomic
def demo_build(progress: Callable[[str], None] = print) -> list[DemoLogin]:
    progress("Loading Cần Thơ (from 1/7/2025) from vietnamadminunits…")
    geography.admin_units_import(version_code=geography.sources.REFORM_2025, province=CAN_THO)
    progress("Loading old Cần Thơ, Hậu Giang and Sóc Trăng (before 1/7/2025)…")
    geography.predecessor_provinces_import(province=CAN_THO)
    links = geography.unit_successions_import()
    progress(f"Succession links: {links.created + links.updated + links.unchanged}")
    legacy = AdministrativeUnit.objects.filter(
        version__code=geography.sources.LEGACY, parent__isnull=True
    )
    hau_giang = legacy.get(code=HAU_GIANG)
    old_provinces = [legacy.get(code=code) for code in SYNTHETIC_HAMLETS]
    can_tho = AdministrativeUnit.objects.get(
        version__code=geography.sources.REFORM_2025, code=CAN_THO
    )
    created = geography.hamlets_generate(province=hau_giang, total=HAU_GIANG_HAMLETS)
    for province in old_provinces:
        created += geography.hamlets_generate(
            province=province, total=SYNTHETIC_HAMLETS[province.code]
        )
    progress(f"Hamlets generated: {created}")
    for where, result in organization_bodies_load().items():
        progress(f"Organizations ({where}): {result.created} created")
    for line in catalogue_load_all().messages:
        progress(f"Catalogue {line}")
    logins = demo_users_create(hau_giang, can_tho)
    # After the users: the forms' workflow names who submitted and who approved.
    demo_figures_generate(province=hau_giang, progress=progress)
    demo_history_generate(
        hau_giang=hau_giang,
        old_provinces=old_provinces,
        city=can_tho,
        clerk_units=frozenset({_new_commune(hau_giang, can_tho).code}),
        progress=progress,
    )
    for resolution in resolutions_load_all():
        progress(f"{resolution} loaded")
    # A city-wide resolution of the new Cần Thơ (a demo document, not a real one): its
    # history before 1/7/2025 is the three old provinces' figures, carried.
    for resolution in resolutions_load_all(DEMO_RESOLUTIONS):
        progress(f"{resolution} loaded (demo only)")
    # The demo's figures are written in bulk: their sums are built once, set-based.
    progress(f"Sums behind the indicators: {sums_rebuild()} rows")
    return logins


def _new_commune(hau_giang: AdministrativeUnit, can_tho: AdministrativeUnit) -> AdministrativeUnit:
    """The new commune that carries on Phường I of Vị Thanh (the demo's legacy clerk's)."""
    link = (
        UnitSuccession.objects.filter(
            predecessor__version=hau_giang.version,
            predecessor__code="31318",
            successor__version=can_tho.version,
        )
        .select_related("successor")
        .order_by("-is_main_successor", "successor__code")
        .first()
    )
    assert link is not None
    return link.successor


def _demo_units(hau_giang: AdministrativeUnit) -> list[tuple[str, AdministrativeUnit]]:
    vi_thanh = AdministrativeUnit.objects.get(version=hau_giang.version, code="930")
    phung_hiep = AdministrativeUnit.objects.get(version=hau_giang.version, code="934")
    phuong_1 = AdministrativeUnit.objects.get(version=hau_giang.version, code="31318")
    # The first commune (xã) of Phụng Hiệp, so the two communes sit in the two districts.
    xa = (
        AdministrativeUnit.objects.filter(parent=phung_hiep, kind=AdministrativeUnit.Kind.COMMUNE)
        .order_by("code")
        .first()
    )
    assert xa is not None
    prefix = fold(xa.short_name or xa.name).replace(" ", "")
    return [
        ("tinh", hau_giang),
        ("vithanh", vi_thanh),
        ("phunghiep", phung_hiep),
        ("phuong1", phuong_1),
        (prefix, xa),
    ]


def demo_users_create(
    hau_giang: AdministrativeUnit, can_tho: AdministrativeUnit
) -> list[DemoLogin]:
    logins: list[DemoLogin] = []
    if not User.objects.filter(username="admin").exists():
        User.objects.create_superuser(
            "admin", password=DEMO_PASSWORD, full_name="Quản trị hệ thống"
        )
    logins.append(DemoLogin("admin", DEMO_PASSWORD, "superuser", "toàn quốc"))
    new_commune = _new_commune(hau_giang, can_tho)
    new_era: dict[str, list[tuple[str, str]]] = {
        # The new era: the city approves communes directly; a new commune's clerk enters 2026.
        "cantho": [
            (User.Role.ADMINISTRATOR, "admin"),
            (User.Role.APPROVER, "approver"),
            (User.Role.BOARD_ANALYST, "analyst"),
        ],
        fold(new_commune.name).replace(" ", ""): [(User.Role.DATA_CLERK, "clerk")],
    }
    places = [*_demo_units(hau_giang), ("cantho", can_tho)]
    places.append((fold(new_commune.name).replace(" ", ""), new_commune))
    for prefix, unit in places:
        roles = new_era.get(prefix, ROLE_SUFFIX.items())
        for role, suffix in roles:
            username = f"{prefix}.{suffix}"
            if not User.objects.filter(username=username).exists():
                user_create(
                    actor=None,
                    username=username,
                    password=DEMO_PASSWORD,
                    role=role,
                    home_unit=unit,
                    full_name=f"{User.Role(role).label} – {unit.name}",
                )
            logins.append(DemoLogin(username, DEMO_PASSWORD, str(User.Role(role).label), unit.name))
    # One organization-restricted approver: sees and decides only the Farmers' Union forms.
    from danvan.organizations.models import OrganizationType

    vi_thanh = dict(_demo_units(hau_giang))["vithanh"]
    farmers = OrganizationType.objects.get(code="hnd")
    if not User.objects.filter(username="vithanh.hnd.approver").exists():
        user_create(
            actor=None,
            username="vithanh.hnd.approver",
            password=DEMO_PASSWORD,
            role=User.Role.APPROVER,
            home_unit=vi_thanh,
            organization_type=farmers,
            full_name=f"Người duyệt – {farmers.name} – {vi_thanh.name}",
        )
    logins.append(
        DemoLogin(
            "vithanh.hnd.approver",
            DEMO_PASSWORD,
            f"{User.Role(User.Role.APPROVER).label} ({farmers.name})",
            vi_thanh.name,
        )
    )
    return logins


@dataclass(frozen=True)
class Scenario:
    title: str
    logins: list[tuple[str, str]]  # (username, what this login shows)


def demo_scenarios(logins: list[DemoLogin]) -> list[Scenario]:
    """The demo logins grouped by what each can show at once, read from the data (the
    same work lists the home page shows), not from a list kept by hand."""
    from danvan.accounts import access
    from danvan.datasets import worklist

    users = {u.username: u for u in User.objects.filter(username__in=[x.username for x in logins])}
    fix, approve, dashboard, report, administer = [], [], [], [], []
    across = []
    for login in logins:
        user = users[login.username]
        where = login.unit
        returned = [
            s for s in worklist.submissions_to_fix(user) if s.status == worklist.Status.RETURNED
        ]
        if returned and user.role == User.Role.DATA_CLERK:
            fix.append((login.username, f"{len(returned)} biểu mẫu bị trả lại · {where}"))
        waiting = worklist.submissions_to_decide(user)
        if waiting and user.role == User.Role.APPROVER:
            scope = f" ({user.organization_type.name})" if user.organization_type else ""
            approve.append((login.username, f"{len(waiting)} biểu mẫu chờ duyệt · {where}{scope}"))
        resolutions = access.resolutions_visible_to(user)
        readers = (User.Role.BOARD_ANALYST, User.Role.VIEWER)
        if resolutions.exists() and user.role in readers and not user.is_superuser:
            dashboard.append((login.username, f"{login.role} · {where}"))
        home = user.home_unit
        inherited = [
            r.number
            for r in resolutions.select_related("scope_unit")
            if home is not None and r.scope_unit.version_id != home.version_id
        ]
        if inherited and user.role == User.Role.BOARD_ANALYST:
            across.append(
                (
                    login.username,
                    f"{', '.join(inherited)} trên địa bàn cũ, theo đơn vị mới · {where}",
                )
            )
        issued_here = resolutions.filter(scope_unit=user.home_unit).exists()
        if issued_here and user.role == User.Role.BOARD_ANALYST:
            report.append((login.username, f"{login.role} · {where}"))
        if user.is_superuser or user.role == User.Role.ADMINISTRATOR:
            administer.append((login.username, f"{login.role} · {where}"))
    shown = {name for group in (fix, approve, dashboard, report, across) for name, _ in group}
    others = [
        (x.username, f"{x.role} · {x.unit}")
        for x in logins
        if x.username not in shown and not any(x.username == n for n, _ in administer)
    ]
    groups = [
        Scenario("Fix a returned form (clerk)", fix),
        Scenario("Approve or return forms waiting (approver)", approve),
        Scenario("Read the dashboard", dashboard),
        Scenario("Make the review report", report),
        Scenario("Across the 2025 reform: an inherited resolution, the 10-year review", across),
        Scenario("Administer (users, catalogue, resolutions)", administer),
        Scenario("Other logins (nothing waiting for them yet)", others),
    ]
    return [group for group in groups if group.logins]
