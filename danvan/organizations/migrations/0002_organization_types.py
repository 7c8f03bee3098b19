"""The six organization types, as data. Edit them in the admin; this only seeds them."""

from django.db import migrations

TYPES = [
    # code, name, short name, English name, order, name at a unit, hamlet branch, by workplace
    ("mttq", "Ủy ban Mặt trận Tổ quốc Việt Nam", "MTTQ", "Vietnam Fatherland Front", 1,
     "Ủy ban MTTQ Việt Nam {unit}", "Ban Công tác Mặt trận {unit}", False),
    ("cd", "Công đoàn (Liên đoàn Lao động)", "Công đoàn", "Trade Union", 2,
     "Liên đoàn Lao động {unit}", "", True),
    ("hnd", "Hội Nông dân", "Hội Nông dân", "Farmers' Union", 3,
     "Hội Nông dân {unit}", "Chi hội Nông dân {unit}", False),
    ("dtn", "Đoàn Thanh niên Cộng sản Hồ Chí Minh", "Đoàn Thanh niên", "Youth Union", 4,
     "Đoàn Thanh niên {unit}", "Chi đoàn {unit}", False),
    ("hlhpn", "Hội Liên hiệp Phụ nữ", "Hội LHPN", "Women's Union", 5,
     "Hội Liên hiệp Phụ nữ {unit}", "Chi hội Phụ nữ {unit}", False),
    ("hccb", "Hội Cựu chiến binh", "Hội CCB", "Veterans' Association", 6,
     "Hội Cựu chiến binh {unit}", "Chi hội Cựu chiến binh {unit}", False),
]


def seed(apps, schema_editor):
    OrganizationType = apps.get_model("organizations", "OrganizationType")
    for code, name, short, english, order, unit_tpl, branch_tpl, by_workplace in TYPES:
        OrganizationType.objects.update_or_create(
            code=code,
            defaults={
                "name": name, "short_name": short, "name_en": english, "sort_order": order,
                "unit_name_template": unit_tpl, "branch_name_template": branch_tpl,
                "has_grassroots_branches": bool(branch_tpl), "organised_by_workplace": by_workplace,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("organizations", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
