"""students.csv → student users and contact users. A student may span several rows, one per contact; only
the Contact_* columns may differ between them. Contacts never merge with anyone but themselves: one contact
person tied to several students is one user with one relationship per student."""

from __future__ import annotations

import csv
from typing import Final

import msgspec

from rollcall.domain.record import Credentials, Location, Name
from rollcall.domain.user import Contact, Roles, Student, StudentRelationship, User
from rollcall.roster.build import ContactRow, RosterBuild, StudentEntry
from rollcall.roster.cell_checks import date_problem, email_problem, parse_dob
from rollcall.roster.columns import CONTACT_COLUMNS
from rollcall.roster.record_ids import T0_STAMP, T1_STAMP, contact_key
from rollcall.roster.table import Table

MAX_CONTACTS_PER_STUDENT: Final = 5
NO_CONTACT: Final = ("",) * len(CONTACT_COLUMNS)

STUDENT_COLUMNS: Final = (
    "School_id", "Student_id", "Student_number", "State_id", "Last_name", "Middle_name", "First_name",
    "Grade", "Gender", "Graduation_year", "DOB", "Race", "Hispanic_Latino", "Home_language", "Ell_status",
    "Frl_status", "IEP_status", "Student_street", "Student_city", "Student_state", "Student_zip",
    "Student_email", "Username",
)  # fmt: skip

# Which column each field of a student user comes from, to name the columns two rows disagree on.
_FIELD_COLUMNS: Final = {
    "school": "School_id", "student_number": "Student_number", "state_id": "State_id", "last": "Last_name",
    "middle": "Middle_name", "first": "First_name", "grade": "Grade", "gender": "Gender",
    "graduation_year": "Graduation_year", "dob": "DOB", "race": "Race",
    "hispanic_ethnicity": "Hispanic_Latino",
    "home_language": "Home_language", "ell_status": "Ell_status", "frl_status": "Frl_status",
    "iep_status": "IEP_status", "address": "Student_street", "city": "Student_city", "state": "Student_state",
    "zip": "Student_zip", "email": "Student_email", "district_username": "Username",
}  # fmt: skip


def read_students(table: Table, build: RosterBuild) -> None:
    """Add every student (and every contact) of `table` to `build`."""
    student_row = _StudentRow(table, build)
    reader, width = table.reader, table.width
    rows = 0
    end = reader.line_num
    while True:
        try:
            for row in reader:
                line = end + 1
                end = reader.line_num
                if len(row) != width:
                    table.wrong_width(row, line)
                    continue
                rows += 1
                row.append("")
                if table.check_row(row, line):
                    student_row.read(row, line)
        except csv.Error as error:
            if table.invalid_csv(error, end):
                end = reader.line_num
                continue
        break
    table.finish(rows)


class _StudentRow:
    """Reads one row of students.csv at a time: the student (new, or a repeat that must agree) and its
    contact. Holds the column getters, built once per file."""

    def __init__(self, table: Table, build: RosterBuild) -> None:
        self.table = table
        self.build = build
        self.values_of = table.getter(*STUDENT_COLUMNS)
        self.contact_of = table.getter(*CONTACT_COLUMNS)
        self.share = build.shared.setdefault
        self.previous_values: tuple[str, ...] = ()
        self.previous_entry: StudentEntry | None = None

    def read(self, row: list[str], line: int) -> None:
        """Add the student and the contact of `row`, which starts on `line`."""
        values = self.values_of(row)
        entry = self.previous_entry
        # A student's rows usually follow each other: when only the contact cells changed, the student part
        # was checked, without a problem, on the row before.
        if entry is None or values != self.previous_values:
            errors = self.build.log.error_count
            entry = self._student(values, line)
            clean = self.build.log.error_count == errors
            self.previous_values, self.previous_entry = (values if clean else ()), entry
        contact = self.contact_of(row)
        if contact != NO_CONTACT:
            _add_contact(self.table, self.build, contact, line, entry)

    def _student(self, values: tuple[str, ...], line: int) -> StudentEntry:
        """The entry of the student these cells describe: new, or the existing one they must agree with."""
        table, build = self.table, self.build
        log, name, ids, district = build.log, table.name, build.ids, build.district_id
        (school_sis, sis_id, number, state_id, last, middle, first, grade, gender, graduation_year, dob, race,
         hispanic, home_language, ell, frl, iep, street, city, state, zip_code, email,
         username) = values  # fmt: skip
        school = build.school_ids.get(school_sis)
        if school is None:
            if "schools.csv" in build.usable:
                log.error(name, line, "School_id", f"student {sis_id} is at unknown school {school_sis}")
            school = ""
        if dob:
            wire_dob = parse_dob(dob)
            if wire_dob is None:
                log.error(name, line, "DOB", date_problem("DOB", dob))
        else:
            wire_dob = None
        if email and (problem := email_problem(email)) is not None:
            log.error(name, line, "Student_email", problem)
        entry = build.student_ids.get(sis_id)
        if entry is None:
            user_id = ids.student(sis_id)
            # Names, grades, places repeat across a million students: one string object per distinct value
            # instead of one per row saves hundreds of megabytes.
            varied = (
                first,
                middle,
                last,
                grade,
                graduation_year,
                race,
                home_language,
                frl,
                city,
                state,
                zip_code,
            )
            (first, middle, last, grade, graduation_year, race, home_language, frl, city, state,
             zip_code) = map(self.share, varied, varied)  # fmt: skip
        else:
            user_id = entry.id
        user = User(
            id=user_id,
            district=district,
            name=Name(first=first, middle=middle or None, last=last),
            email=email or None,
            created=T0_STAMP,
            last_modified=T0_STAMP,
            roles=Roles(
                student=Student(
                    sis_id=sis_id, school=school, student_number=number or None, state_id=state_id or None,
                    credentials=Credentials(district_username=username) if username else None,
                    dob=wire_dob, gender=gender or None, grade=grade or None,
                    graduation_year=graduation_year or None, race=race or None,
                    hispanic_ethnicity=hispanic or None, ell_status=ell or None,
                    location=Location(address=street or None, city=city or None, state=state or None,
                                      zip=zip_code or None)
                    if street or city or state or zip_code else None,
                    home_language=home_language or None, frl_status=frl or None, iep_status=iep or None,
                )
            ),
        )  # fmt: skip
        if entry is None:
            entry = build.student_ids[sis_id] = StudentEntry(user)
        elif user != entry.user:
            columns = _differing_columns(entry.user, user)
            first_school = entry.user.roles.student.school if entry.user.roles.student else ""
            if not school or not first_school:  # one of the two schools is unknown, and reported as such
                columns = [column for column in columns if column != "School_id"]
                if not columns:
                    return entry
            log.error(
                name, line, columns[0] if columns else None,
                f"student {sis_id} is repeated with different {', '.join(columns) or 'values'}; rows of one "
                "student may differ only in the Contact_* columns",
            )  # fmt: skip
        return entry


def _differing_columns(old: User, new: User) -> list[str]:
    """The students.csv columns behind the fields where two rows of one student disagree."""
    found: list[str] = []

    def walk(before: object, after: object, field: str) -> None:
        # A sub-record present on one row only (say `location`) is compared leaf by leaf with nothing.
        if isinstance(before, dict) or isinstance(after, dict):
            before = before if isinstance(before, dict) else {}
            after = after if isinstance(after, dict) else {}
            for key in before.keys() | after.keys():
                walk(before.get(key), after.get(key), key)
        elif before != after:
            found.append(_FIELD_COLUMNS.get(field, field))

    walk(msgspec.to_builtins(old), msgspec.to_builtins(new), "")
    order = {column: position for position, column in enumerate(STUDENT_COLUMNS)}
    return sorted(set(found), key=lambda column: (order.get(column, len(order)), column))


def _add_contact(
    table: Table,
    build: RosterBuild,
    values: tuple[str, ...],
    line: int,
    student: StudentEntry,
) -> None:
    """Tie the contact named by this row's Contact_* cells to the student."""
    relationship, kind, name, phone, phone_type, email, sis_id = values
    log, file = build.log, table.name
    student_id = student.id
    if not name:
        log.warning(
            file,
            line,
            "Contact_name",
            f"student {student.sis_id} has contact columns but no Contact_name; no contact",
        )
        return
    if email and (problem := email_problem(email)) is not None:
        log.error(file, line, "Contact_email", problem)
    key = contact_key(sis_id, name, email, phone, kind, relationship, phone_type)
    contact = build.contacts.get(key)
    if contact is None:
        contact = ContactRow(key, line, sis_id, name, email.strip(), phone, build.share(phone_type))
        build.contacts[key] = contact
    else:
        if student_id in contact.students:
            log.warning(
                file, line, "Contact_name", f"contact {name!r} is listed again for student {student.sis_id}"
            )
            return
        same = (contact.name, contact.email.lower(), contact.phone, contact.phone_type)
        if same != (name, email.strip().lower(), phone, phone_type):
            log.warning(
                file, line, "Contact_name",
                f"contact {name!r} differs from the same contact on line {contact.line}; "
                f"keeping line {contact.line}",
            )  # fmt: skip
    student.contacts = count = student.contacts + 1
    if count > MAX_CONTACTS_PER_STUDENT:
        log.error(
            file, line, "Contact_name",
            f"student {student.sis_id} has more than {MAX_CONTACTS_PER_STUDENT} contacts "
            f"(contact {count}: {name!r})",
        )  # fmt: skip
        return
    contact.students.append(student_id)
    contact.kinds.append(build.share_pair((relationship, kind)))


def build_contact_users(build: RosterBuild) -> dict[str, User]:
    """One user per contact person: the whole name in `name.last`, one relationship per student."""
    ids, district = build.ids, build.district_id
    built: list[User] = []
    # Taken from the end (popitem) so each contact's working row is freed as its user is made; the users
    # are put back in file order below.
    contacts = build.contacts
    while contacts:
        _, contact = contacts.popitem()
        if not contact.students:
            continue
        user_id = ids.contact_user(contact.key)
        built.append(
            User(
                id=user_id,
                district=district,
                name=Name(last=contact.name),
                email=contact.email or None,
                created=T1_STAMP,
                last_modified=T1_STAMP,
                roles=Roles(
                    contact=Contact(
                        student_relationships=[
                            StudentRelationship(
                                student=student, relationship=relationship or None, type=kind or None
                            )
                            for student, (relationship, kind) in zip(
                                contact.students, contact.kinds, strict=True
                            )
                        ],
                        legacy_id=ids.legacy("contact", contact.key),
                        sis_id=contact.sis_id or None,
                        phone=contact.phone or None,
                        phone_type=contact.phone_type or None,
                    )
                ),
            )
        )
    return {user.id: user for user in reversed(built)}
