"""The two profiles Hậu Giang's reports have had: the Tỉnh ủy until 30/6/2025, then the
merged Thành ủy Cần Thơ. Edit them in the admin; the Cần Thơ signer is left to fill in."""

import datetime

from django.db import migrations

RECIPIENTS_HAU_GIANG = """Văn phòng Trung ương Đảng,
Ban Dân vận Trung ương (HN-TP HCM),
Các đồng chí Ủy viên BCH Đảng bộ tỉnh,
Ban cán sự đảng, đảng đoàn,
Các cơ quan tham mưu, giúp việc Tỉnh ủy,
Ban Thường vụ Tỉnh đoàn,
Các sở, ban, ngành tỉnh,
Các huyện, thị, thành ủy và tương đương,
Lưu VPTU."""

RECIPIENTS_CAN_THO = """Văn phòng Trung ương Đảng,
Ban Dân vận Trung ương,
Các đồng chí Ủy viên BCH Đảng bộ thành phố,
Các đảng ủy trực thuộc Thành ủy,
Các cơ quan tham mưu, giúp việc Thành ủy,
Ủy ban MTTQ Việt Nam thành phố,
Lưu VPTU."""


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    ReportProfile = apps.get_model("reports", "ReportProfile")
    ReportProfile.objects.create(
        name="Tỉnh ủy Hậu Giang (đến 30/6/2025)",
        valid_to=datetime.date(2025, 6, 30),
        issuer="TỈNH ỦY HẬU GIANG",
        reporting_body="Ban Thường vụ Tỉnh ủy Hậu Giang",
        board="Ban Dân vận Tỉnh ủy",
        symbol_pattern="Số {number}-BC/TU",
        place="Hậu Giang",
        signing_for="T/M BAN THƯỜNG VỤ",
        signer_position="PHÓ BÍ THƯ",
        signer_name="Trần Văn Huyền",
        recipients=RECIPIENTS_HAU_GIANG,
    )
    ReportProfile.objects.create(
        name="Thành ủy Cần Thơ (từ 01/7/2025)",
        valid_from=datetime.date(2025, 7, 1),
        issuer="THÀNH ỦY CẦN THƠ",
        reporting_body="Ban Thường vụ Thành ủy Cần Thơ",
        board="Ban Tuyên giáo và Dân vận Thành ủy",
        symbol_pattern="Số {number}-BC/TU",
        place="Cần Thơ",
        signing_for="T/M BAN THƯỜNG VỤ",
        signer_position="PHÓ BÍ THƯ",
        signer_name="",
        recipients=RECIPIENTS_CAN_THO,
    )


def remove(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("reports", "ReportProfile").objects.filter(
        issuer__in=["TỈNH ỦY HẬU GIANG", "THÀNH ỦY CẦN THƠ"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_report_profile")]

    operations = [migrations.RunPython(create, remove)]
