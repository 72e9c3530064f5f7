"""Working days on China's official calendar: holidays, the 2020 Spring Festival extension, make-up days.

chinese_calendar knows the State Council's notices year by year; for a year it does not know yet
(it raises NotImplementedError) the plain Monday-to-Friday week stands in.
"""

from datetime import date, timedelta

import chinese_calendar


def is_workday(day: date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def add_working_days(start: date, days: int) -> date:
    """The day on which `days` working days after `start` have passed (start itself not counted)."""
    day = start
    left = days
    while left > 0:
        day += timedelta(days=1)
        if is_workday(day):
            left -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end`; 0 when end is not after start."""
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        count += is_workday(day)
    return count
