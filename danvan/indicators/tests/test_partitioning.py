"""The path past one machine (docs/operations.md), shown on PostgreSQL: the value table
partitioned by province with declarative partitioning, and a province's work — its reads
and a commune's write — touching its own partition only; the national roll-up is the one
query that reads them all. The table is built inside the test's transaction (and rolled
back with it): the migrations keep one unpartitioned value table."""

from decimal import Decimal

import pytest
from django.db import connection

from danvan.indicators.tests.helpers import put

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="declarative partitioning: PostgreSQL"
)

OTHER_PROVINCE = -1  # a figure of a province outside the canonical world


def _partitioned(province_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE value_by_province (province_id bigint NOT NULL, unit_id bigint, "
            "period_id varchar(10), element_id bigint, organization_type_id bigint, "
            "value numeric) PARTITION BY LIST (province_id)"
        )
        cursor.execute(
            f"CREATE TABLE value_by_province_p{province_id} PARTITION OF value_by_province "
            f"FOR VALUES IN ({province_id})"
        )
        cursor.execute("CREATE TABLE value_by_province_rest PARTITION OF value_by_province DEFAULT")
        # Each value goes to the partition of the province above its unit.
        cursor.execute(
            """
            INSERT INTO value_by_province
            SELECT p.id, dv.unit_id, dv.period_id, dv.element_id, dv.organization_type_id,
                   dv.value
            FROM datasets_datavalue dv
            JOIN geography_administrativeunit u ON u.id = dv.unit_id
            JOIN geography_administrativeunit p ON p.version_id = u.version_id
              AND p.level = 1 AND u.path LIKE p.path || '%%'
            """
        )
        cursor.execute(
            "INSERT INTO value_by_province VALUES (%s, NULL, '2021', NULL, NULL, 1000)",
            [OTHER_PROVINCE],
        )


def _scanned(sql: str, params: list[object]) -> set[str]:
    """The tables a statement's plan scans (an UPDATE names the parent table on top)."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    found: set[str] = set()

    def walk(node: dict) -> None:
        if "Relation Name" in node and "Scan" in node["Node Type"]:
            found.add(node["Relation Name"])
        for child in node.get("Plans", []):
            walk(child)

    walk(plan[0]["Plan"])
    return found


def test_a_provinces_reads_and_writes_touch_only_its_partition(world, catalogue):
    put(world.commune_one_a, "members", "2021", 40, "hnd")
    put(world.commune_two_a, "members", "2021", 60, "hnd")
    province = world.province.pk
    _partitioned(province)
    own = f"value_by_province_p{province}"

    read = "SELECT sum(value) FROM value_by_province WHERE province_id = %s AND period_id = %s"
    write = (
        "UPDATE value_by_province SET value = value + 1 "
        "WHERE province_id = %s AND unit_id = %s AND period_id = %s"
    )
    national = "SELECT province_id, sum(value) FROM value_by_province GROUP BY province_id"

    assert _scanned(read, [province, "2021"]) == {own}
    assert _scanned(write, [province, world.commune_one_a.pk, "2021"]) == {own}
    assert _scanned(national, []) == {own, "value_by_province_rest"}
    with connection.cursor() as cursor:
        cursor.execute(read, [province, "2021"])
        assert cursor.fetchone()[0] == Decimal(100)
        cursor.execute(national)
        assert dict(cursor.fetchall()) == {province: Decimal(100), OTHER_PROVINCE: Decimal(1000)}
