import json
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from danvan.reports.tests.factories import SEED


def test_command_exits_one_when_errors_are_found(capsys):
    with pytest.raises(SystemExit) as raised:
        call_command("check_report", str(SEED))

    assert raised.value.code == 1
    output = capsys.readouterr().out
    assert "4 lỗi" in output
    assert "418/450 = 92,89%" in output


def test_command_text_output_shows_no_internal_rule_ids(capsys):
    from danvan.reports.checker.findings import RULE_TITLES

    with pytest.raises(SystemExit):
        call_command("check_report", str(SEED))

    output = capsys.readouterr().out
    assert "Tổng và các phần" in output
    for rule_id in RULE_TITLES:
        assert rule_id not in output, rule_id


def test_command_exits_zero_without_errors(tmp_path, capsys):
    report = tmp_path / "bao-cao.md"
    report.write_text("Có 110/133 đồng chí, chiếm tỷ lệ 82,7%.", encoding="utf-8")

    call_command("check_report", str(report))

    assert "0 lỗi" in capsys.readouterr().out


def test_command_writes_json(tmp_path, capsys):
    report = tmp_path / "bao-cao.txt"
    report.write_text("Có 215/240 đồng chí, chiếm tỷ lệ 91,58%.", encoding="utf-8")

    with pytest.raises(SystemExit):
        call_command("check_report", str(report), format="json")

    payload = json.loads(capsys.readouterr().out)
    assert payload["summary"] == {"error": 1, "warning": 0, "note": 0}
    assert payload["findings"][0]["rule"] == "fraction-rate"
    assert payload["findings"][0]["title"] == "Tỷ lệ và phân số"
    assert payload["findings"][0]["location"]["paragraph"] == 0


def test_command_refuses_unsupported_file_with_exit_code_two(tmp_path):
    report = tmp_path / "bao-cao.pdf"
    report.write_bytes(b"%PDF-1.4")

    with pytest.raises(CommandError) as raised:
        call_command("check_report", str(report))

    assert raised.value.returncode == 2


def test_console_script_reports_unreadable_file_without_traceback(tmp_path):
    report = tmp_path / "bao-cao.docx"
    report.write_bytes(b"not a zip")
    script = "import sys; from danvan.cli import main; sys.argv = sys.argv[1:]; main()"

    done = subprocess.run(
        [sys.executable, "-c", script, "danvan", "check-report", str(report)],
        capture_output=True,
        text=True,
        check=False,
    )

    assert done.returncode == 2
    assert "bị hỏng" in done.stderr
    assert "Traceback" not in done.stderr


def test_console_script_checks_without_setting_django_up(tmp_path):
    report = tmp_path / "bao-cao.txt"
    report.write_text("Có 215/240 đồng chí, chiếm tỷ lệ 91,58%.", encoding="utf-8")
    script = (
        "import atexit, sys; from danvan.cli import main; sys.argv = sys.argv[1:]; "
        "atexit.register(lambda: print('django loaded:', 'django.apps' in sys.modules, "
        "file=sys.stderr)); main()"
    )

    done = subprocess.run(
        [sys.executable, "-c", script, "danvan", "check-report", str(report)],
        capture_output=True,
        text=True,
        check=False,
    )

    assert done.returncode == 1
    assert "215/240 = 89,58%" in done.stdout
    assert "Tỷ lệ và phân số" in done.stdout
    assert "django loaded: False" in done.stderr
