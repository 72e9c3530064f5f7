from datetime import date

from fugong.problems import services
from fugong.problems.deadlines import add_working_days, is_workday, working_days_between


def test_it_skips_the_extended_2020_spring_festival():
    # The holiday ran 24 January to 2 February 2020 (extended by the State Council from the 30th);
    # Saturday 1 February lost its make-up status with the extension.
    assert not is_workday(date(2020, 1, 31))
    assert not is_workday(date(2020, 2, 1))
    assert is_workday(date(2020, 2, 3))
    assert add_working_days(date(2020, 1, 23), 5) == date(2020, 2, 7)
    assert add_working_days(date(2020, 1, 23), 1) == date(2020, 2, 3)


def test_it_counts_make_up_working_days():
    # Sunday 19 January 2020 and Sunday 27 September / Saturday 10 October 2020 were working days.
    assert add_working_days(date(2020, 1, 17), 1) == date(2020, 1, 19)
    assert add_working_days(date(2020, 9, 25), 1) == date(2020, 9, 27)
    assert add_working_days(date(2020, 9, 30), 1) == date(2020, 10, 9)
    assert add_working_days(date(2020, 9, 30), 2) == date(2020, 10, 10)


def test_working_days_between_is_the_inverse():
    start = date(2020, 1, 20)
    for n in (1, 3, 5, 10, 20):
        assert working_days_between(start, add_working_days(start, n)) == n
    assert working_days_between(date(2020, 1, 23), date(2020, 2, 2)) == 0
    assert working_days_between(date(2020, 2, 7), date(2020, 2, 7)) == 0


def test_a_year_the_calendar_does_not_know_falls_back_to_the_week():
    assert add_working_days(date(2031, 1, 3), 1) == date(2031, 1, 6)  # Friday → Monday


def test_the_deadline_follows_category_and_urgency():
    raised = date(2020, 2, 10)
    assert services.due_date(raised, "transport", "urgent") == date(2020, 2, 11)
    assert services.due_date(raised, "transport", "normal") == date(2020, 2, 13)
    assert services.due_date(raised, "arrears", "normal") == date(2020, 3, 2)
