from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from danvan.reports.checker import check_document, read_text

PIECES = st.sampled_from(
    [
        "Có ",
        "418/450",
        " đồng chí",
        ", chiếm tỷ lệ ",
        "93,1%",
        "; ",
        ". ",
        "trong đó ",
        "cấp huyện ",
        "cấp xã ",
        "48 cuộc",
        "tăng ",
        "37 máy",
        "từ ",
        " lên ",
        "đạt ",
        "104,2%",
        " chỉ tiêu",
        "(",
        ")",
        "^[1]",
        "\n\n^[1] Cấp tỉnh: ",
        "\t",
        "\n",
        "21/7/2016",
        "06-NQ/TU",
        "2016 - 2020",
        "1.435",
        "0",
        "0/0",
        "0%",
        "hiện nay là ",
        "phát triển mới ",
        "ra khỏi ",
        "<p>",
        "</p>",
        "|",
        "một ",
        "năm ",
        "99,99999%",
        "1,2,4,5",
    ]
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(PIECES | st.text(max_size=5), max_size=40).map("".join))
def test_checker_never_crashes_on_report_like_text(text):
    for finding in check_document(read_text(text)):
        assert finding.start <= finding.end
