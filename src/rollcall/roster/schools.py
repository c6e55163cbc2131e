"""schools.csv → School records."""

from __future__ import annotations

import sys

from rollcall.domain.district import Principal, School
from rollcall.domain.record import Location
from rollcall.roster.build import RosterBuild
from rollcall.roster.cell_checks import email_problem
from rollcall.roster.record_ids import T0_STAMP
from rollcall.roster.table import Table


def read_schools(table: Table, build: RosterBuild) -> None:
    """Add every school of `table` to `build`; duplicate School_id values are errors."""
    get = table.getter(
        "School_id", "School_name", "School_number", "State_id", "Low_grade", "High_grade", "Principal",
        "Principal_email", "School_address", "School_city", "School_state", "School_zip", "School_phone",
    )  # fmt: skip
    first_line: dict[str, int] = {}
    log, name = build.log, table.name
    for row in table.rows():
        if not table.check_row(row, table.line):
            continue
        (sis_id, school_name, number, state_id, low, high, principal, principal_email, address, city, state,
         zip_code, phone) = get(row)  # fmt: skip
        line = table.line
        if sis_id in first_line:
            log.error(
                name, line, "School_id", f"school {sis_id} is repeated (first on line {first_line[sis_id]})"
            )
            continue
        first_line[sis_id] = line
        if (problem := email_problem(principal_email)) is not None:
            log.error(name, line, "Principal_email", problem)
        sis_id = sys.intern(sis_id)
        school_id = build.ids.school(sis_id)
        build.school_ids[sis_id] = school_id
        build.schools[school_id] = School(
            id=school_id,
            district=build.district_id,
            name=school_name,
            sis_id=sis_id,
            school_number=number,
            state_id=state_id or None,
            low_grade=low or None,
            high_grade=high or None,
            phone=phone or None,
            principal=Principal(name=principal or None, email=principal_email or None)
            if principal or principal_email
            else None,
            location=Location(
                address=address or None, city=city or None, state=state or None, zip=zip_code or None
            )
            if address or city or state or zip_code
            else None,
            created=T0_STAMP,
            last_modified=T0_STAMP,
        )
