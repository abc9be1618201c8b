"""Formatting per language."""

from datetime import UTC, datetime

from reports import i18n


def test_numbers_and_percentages():
    assert i18n.fmt_pct(0.99731) == "99.73%"
    assert i18n.fmt_pct(None, "ko") == "데이터 없음"
    assert i18n.fmt_number(1843211) == "1,843,211"
    assert i18n.fmt_ms(1204.5) == "1,204.5 ms"
    assert i18n.fmt_value("error_rate", 0.00312) == "0.312%"
    assert i18n.fmt_value("cls_p75", 0.0812) == "0.081"
    assert i18n.fmt_value("uptime", float("nan"), "en") == "no data"


def test_months_dates_and_durations():
    assert i18n.fmt_month("2026-10", "ko") == "2026년 10월"
    assert i18n.fmt_month("2026-10", "en") == "October 2026"
    instant = datetime(2026, 10, 31, 15, 30, tzinfo=UTC)
    assert i18n.fmt_date(instant, "ko", "Asia/Seoul") == "2026년 11월 1일"
    assert i18n.fmt_datetime(instant, "en", "Asia/Seoul") == "2026-11-01 00:30"
    assert i18n.fmt_duration(3900) == "1 h 05 m"
    assert i18n.fmt_duration(540, "ko") == "9분"
    assert i18n.fmt_duration(45) == "45 s"
    assert i18n.status_label("missed", "ko") == "미달"
    assert i18n.objective_label("uptime", "ko") == "가동률"
