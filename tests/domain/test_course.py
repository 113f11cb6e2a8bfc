"""When a certification from a course runs out."""

from datetime import date

from channeldesk.domain.course import certified_until, level_label


def test_validity_counts_whole_months_and_keeps_the_day() -> None:
    assert certified_until(date(2026, 3, 15), 12) == date(2027, 3, 15)
    assert certified_until(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert certified_until(date(2027, 11, 30), 3) == date(2028, 2, 29)


def test_a_course_without_validity_never_expires() -> None:
    assert certified_until(date(2026, 3, 15), 0) is None


def test_levels_read_as_words_and_unknown_codes_as_they_are() -> None:
    assert level_label("expert") == "Expert"
    assert level_label("guru") == "guru"
