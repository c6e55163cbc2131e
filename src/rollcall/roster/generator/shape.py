"""The numbers that shape a synthetic district (ratios, sizes, shares) and the school plan drawn from them.

Every constant here is documented in the module docstring of `generator.writer`; change both together.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Sequence
from itertools import accumulate
from typing import Final, Generic, NamedTuple, TypeVar

from rollcall.roster.generator.vocabulary import BANDS

T = TypeVar("T")

# Students per school by band (a school takes the rest when what is left would be a tiny school).
SCHOOL_SIZES: Final = {"elementary": (250, 900), "middle": (400, 1400), "high": (600, 2200)}
# Target students per section by band; each school draws a factor in CLASS_SIZE_JITTER around it.
CLASS_SIZES: Final = {"elementary": 20.0, "middle": 17.0, "high": 15.0}
CLASS_SIZE_JITTER: Final = (0.9, 1.1)
STUDENTS_PER_TEACHER: Final = 13.0
STUDENTS_PER_STAFF: Final = 40.0
# Share of a school's staff rows held by teachers (teacher + staff users): about 7.5 % of all employees.
TEACHER_STAFF_SHARE: Final = 0.27
# Of those, the share whose staff row is at another school than the one they teach at.
TEACHER_STAFF_ELSEWHERE: Final = 0.5
TECH_LEAD_PER_SCHOOL: Final = 0.6
TEACHER_ALSO_NEXT_SCHOOL: Final = 0.04
STAFF_ALSO_NEXT_SCHOOL: Final = 0.03
# Co-teachers on a section: P(at least 1), P(at least 2), P(3 to 9).
CO_TEACHER_ODDS: Final = (0.07, 0.015, 0.002)
# Families: guardians per family (1–3), and how many more children a new family may enrol later.
GUARDIANS_PER_FAMILY: Final = ((1, 30), (2, 55), (3, 15))
EXTRA_CHILDREN: Final = ((0, 72), (1, 20), (2, 8))
JOIN_SIBLING_FAMILY: Final = 0.22
OPEN_FAMILIES_KEPT: Final = 2000
SIBLING_RELATIONSHIP_DIFFERS: Final = 0.12
TEACHER_IS_PARENT: Final = 0.004
CONTACT_HAS_EMAIL: Final = 0.85
CONTACT_HAS_PHONE: Final = 0.95


def district_admin_count(students: int) -> int:
    """A handful: 3 for a small district, one more per 200 000 students, at most 8."""
    return 3 + min(5, students // 200_000)


class SchoolPlan(NamedTuple):
    """One school to generate: its position, grade band and number of students per grade index."""

    position: int
    band: str
    students_by_grade: tuple[tuple[int, int], ...]

    @property
    def students(self) -> int:
        return sum(count for _, count in self.students_by_grade)


class Weighted(Generic[T]):
    """Draws values by integer weights with one `random()` call (faster than `Random.choices` per draw)."""

    def __init__(self, pairs: Sequence[tuple[T, int]]) -> None:
        self.values = [value for value, _ in pairs]
        self.cumulative = list(accumulate(weight for _, weight in pairs))
        self.total = float(self.cumulative[-1])

    def draw(self, rng: random.Random) -> T:
        return self.values[bisect(self.cumulative, rng.random() * self.total)]


def stochastic_round(value: float, rng: random.Random) -> int:
    """`floor(value)` plus one with probability equal to the fraction, so totals stay unbiased."""
    whole = int(value)
    return whole + (1 if rng.random() < value - whole else 0)


def split_evenly(items: Sequence[T], parts: int) -> list[Sequence[T]]:
    """`items` cut into `parts` contiguous runs whose lengths differ by at most one."""
    size, extra = divmod(len(items), parts)
    runs: list[Sequence[T]] = []
    start = 0
    for part in range(parts):
        end = start + size + (1 if part < extra else 0)
        runs.append(items[start:end])
        start = end
    return runs


def allocate(total: int, weights: Sequence[int]) -> list[int]:
    """`total` split over `weights` by largest remainder, giving each at least one while `total` allows."""
    if total <= len(weights):
        return [1 if i < total else 0 for i in range(len(weights))]
    spare = total - len(weights)
    whole = sum(weights)
    quotas = [spare * w / whole for w in weights]
    shares = [int(q) for q in quotas]
    by_remainder = sorted(range(len(weights)), key=lambda i: (shares[i] - quotas[i], i))
    for i in by_remainder[: spare - sum(shares)]:
        shares[i] += 1
    return [1 + share for share in shares]


def _school_sizes(students: int, band: str, rng: random.Random) -> list[int]:
    low, high = SCHOOL_SIZES[band]
    sizes: list[int] = []
    left = students
    while left > 0:
        size = rng.randint(low, high)
        if left - size < low // 2:
            size = left
        sizes.append(size)
        left -= size
    return sizes


def _by_grade(size: int, band: str, rng: random.Random) -> tuple[tuple[int, int], ...]:
    grades = BANDS[band]
    base, extra = divmod(size, len(grades))
    lucky = set(rng.sample(range(len(grades)), extra))
    return tuple((g, base + (1 if i in lucky else 0)) for i, g in enumerate(grades))


def plan_schools(students: int, rng: random.Random) -> list[SchoolPlan]:
    """The district's schools: students split over bands by the number of grades in each (6 : 3 : 4), cut
    into schools of the band's size range, then shuffled so neighbouring schools differ in band."""
    elementary = round(students * 6 / 13)
    middle = round(students * 3 / 13)
    counts = {"elementary": elementary, "middle": middle, "high": students - elementary - middle}
    drafts = [(band, size) for band, count in counts.items() for size in _school_sizes(count, band, rng)]
    rng.shuffle(drafts)
    return [
        SchoolPlan(position, band, _by_grade(size, band, rng)) for position, (band, size) in enumerate(drafts)
    ]
