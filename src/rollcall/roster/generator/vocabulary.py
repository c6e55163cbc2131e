"""The words a synthetic district is made of: names, places, titles and the course catalogue.

No value contains a comma, a double quote or a line break, so generated rows can be joined with `,` and
still be exactly what `csv.writer` would write (a test holds every value to that).
"""

from __future__ import annotations

import unicodedata
from typing import Final, NamedTuple

# The district's one state, email domains (RFC 2606 reserved names) and school year.
DISTRICT_NAME: Final = "Rollcall Unified School District"
DISTRICT_STATE: Final = "CA"
EMPLOYEE_DOMAIN: Final = "rollcall-usd.example.org"
STUDENT_DOMAIN: Final = "students.rollcall-usd.example.org"
CONTACT_DOMAINS: Final = ("example.com", "example.net", "mail.example.org")
SCHOOL_YEAR_START: Final = 2026  # the 2026–2027 school year

FIRST_NAMES_F: Final = (
    "Olivia", "Emma", "Charlotte", "Amelia", "Sophia", "Mia", "Isabella", "Ava", "Evelyn", "Luna",
    "Harper", "Sofia", "Camila", "Eleanor", "Elizabeth", "Violet", "Scarlett", "Emily", "Hazel", "Lily",
    "Gianna", "Aurora", "Penelope", "Aria", "Nora", "Chloe", "Ellie", "Mila", "Avery", "Layla", "Abigail",
    "Ella", "Isla", "Eliana", "Nova", "Madison", "Zoe", "Ivy", "Grace", "Lucy", "Willow", "Emilia",
    "Riley", "Naomi", "Victoria", "Stella", "Maya", "Paisley", "Hannah", "Leah", "Aaliyah", "Ximena",
    "Valentina", "Jasmine", "Priya", "Mei", "Fatima", "Aisha", "Yuna", "Chiara", "Zoë", "Renée", "Inés",
    "Ana", "Guadalupe", "Keisha", "Tanisha", "Ngozi", "Amara", "Linh", "Thu", "Hana", "Soo-ah", "Ji-woo",
)  # fmt: skip
FIRST_NAMES_M: Final = (
    "Liam", "Noah", "Oliver", "James", "Elijah", "Mateo", "Theodore", "Henry", "Lucas", "William",
    "Benjamin", "Levi", "Sebastian", "Jack", "Ezra", "Michael", "Daniel", "Leo", "Owen", "Samuel",
    "Hudson", "Alexander", "Asher", "Luca", "Ethan", "John", "David", "Jackson", "Joseph", "Mason",
    "Luke", "Matthew", "Julian", "Dylan", "Elias", "Jacob", "Maverick", "Gabriel", "Logan", "Aiden",
    "Thomas", "Isaac", "Miles", "Grayson", "Santiago", "Anthony", "Wyatt", "Carter", "Jayden", "Ezekiel",
    "Caleb", "Cooper", "Josiah", "Charles", "Christopher", "Isaiah", "Nolan", "Cameron", "Nathan",
    "José", "Andrés", "Diego", "Rafael", "Mohammed", "Omar", "Ahmed", "Arjun", "Rohan", "Wei", "Hiroshi",
    "Minh", "Duc", "Kwame", "Chidi", "Tyrone", "DeShawn", "Malik", "Jamal", "Seo-jun", "Ji-ho",
)  # fmt: skip
FIRST_NAMES_X: Final = (
    "Alex", "Jordan", "Taylor", "Morgan", "Casey", "Jamie", "Quinn", "Rowan", "Sage", "Emerson", "River",
    "Skyler", "Reese", "Finley", "Dakota", "Hayden", "Parker", "Remy",
)  # fmt: skip
LAST_NAMES: Final = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
    "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin",
    "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson",
    "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green",
    "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter", "Roberts", "Gomez",
    "Phillips", "Evans", "Turner", "Diaz", "Parker", "Cruz", "Edwards", "Collins", "Reyes", "Stewart",
    "Morris", "Morales", "Murphy", "Cook", "Rogers", "Gutierrez", "Ortiz", "Morgan", "Cooper", "Peterson",
    "Bailey", "Reed", "Kelly", "Howard", "Ramos", "Kim", "Cox", "Ward", "Richardson", "Watson", "Brooks",
    "Chavez", "Wood", "James", "Bennett", "Gray", "Mendoza", "Ruiz", "Hughes", "Price", "Alvarez",
    "Castillo", "Sanders", "Patel", "Myers", "Long", "Ross", "Foster", "Jimenez", "Powell", "Jenkins",
    "Perry", "Russell", "Sullivan", "Bell", "Coleman", "Butler", "Henderson", "Barnes", "Gonzales",
    "Fisher", "Vasquez", "Simmons", "Romero", "Jordan", "Patterson", "Alexander", "Hamilton", "Graham",
    "Reynolds", "Griffin", "Wallace", "Moreno", "West", "Cole", "Hayes", "Bryant", "Herrera", "Gibson",
    "Ellis", "Tran", "Medina", "Aguilar", "Stevens", "Murray", "Ford", "Castro", "Marshall", "Owens",
    "Harrison", "Fernandez", "McDonald", "Woods", "Washington", "Kennedy", "Wells", "Vargas", "Henry",
    "Chen", "Freeman", "Webb", "Tucker", "Guzman", "Burns", "Crawford", "Olson", "Simpson", "Porter",
    "Hunter", "Gordon", "Mendez", "Silva", "Shaw", "Snyder", "Mason", "Dixon", "Muñoz", "Hunt", "Hicks",
    "Holmes", "Palmer", "Wagner", "Black", "Robertson", "Boyd", "Rose", "Stone", "Salazar", "Fox",
    "Warren", "Mills", "Meyer", "Rice", "Schmidt", "Garza", "Daniels", "Ferguson", "Nichols", "Stephens",
    "Soto", "Weaver", "Ryan", "Gardner", "Payne", "Grant", "Dunn", "Kelley", "Spencer", "Hawkins", "Arnold",
    "Pierce", "Vazquez", "Hansen", "Peters", "Santos", "Hart", "Bradley", "Knight", "Elliott", "Cunningham",
    "Duncan", "Armstrong", "Hudson", "Carroll", "Lane", "Riley", "Andrews", "Alvarado", "Ray", "Delgado",
    "Berry", "Perkins", "Hoffman", "Johnston", "Matthews", "Peña", "Richards", "Contreras", "Willis",
    "Carpenter", "Lawrence", "Sandoval", "O'Brien", "O'Connor", "Smith-Jones", "Wang", "Li", "Zhang",
    "Liu", "Yang", "Huang", "Park", "Choi", "Pham", "Le", "Vo", "Okafor", "Adeyemi", "Mensah", "Haddad",
    "Khan", "Ali", "Hussain", "Singh", "Kaur", "Shah", "Tanaka", "Sato", "Suzuki", "Nakamura", "Kowalski",
    "Nowak", "Novak", "Rossi", "Russo", "Bianchi", "Müller", "Schneider", "Dubois", "Laurent", "Ivanov",
)  # fmt: skip

STREETS: Final = (
    "Main St", "Oak Ave", "Maple St", "Cedar Ln", "Pine St", "Elm St", "Washington Ave", "Lake Dr",
    "Hill Rd", "Park Ave", "Sunset Blvd", "Mission St", "Valley View Rd", "Walnut St", "Lincoln Ave",
    "Jefferson St", "Madison Ave", "Franklin St", "Highland Ave", "Meadow Ln", "Ridge Rd", "Church St",
    "Spring St", "River Rd", "Forest Dr", "Willow Way", "Chestnut St", "Orchard Ln", "Bay St", "Vista Dr",
    "Canyon Rd", "Palm Ave", "Harbor Blvd", "Mountain View Ave", "Cypress St", "Magnolia Dr", "Sycamore Ln",
)  # fmt: skip
CITIES: Final = (
    ("Rollcall City", "95010"), ("North Rollcall", "95012"), ("Eastport", "95015"), ("Westfield", "95017"),
    ("Lakeside", "95020"), ("Fair Oaks Valley", "95023"), ("Harbor Point", "95026"), ("Mesa Verde", "95031"),
)  # fmt: skip
AREA_CODES: Final = ("408", "510", "650", "669", "925")

# Places that name schools (a name repeats with a number once used up).
SCHOOL_PLACES: Final = (
    "Lincoln", "Washington", "Jefferson", "Roosevelt", "Franklin", "Madison", "Kennedy", "King", "Chavez",
    "Sequoia", "Redwood", "Oak Grove", "Maple Grove", "Cedar Ridge", "Pine Valley", "Willow Creek",
    "Sunnyside", "Lakeview", "Hillcrest", "Riverside", "Fairview", "Mountain View", "Bayside", "Westwood",
    "Eastridge", "Northgate", "Southpark", "Meadowbrook", "Brookside", "Highland", "Parkside", "Valley Oak",
    "Harbor", "Mesa", "Vista", "Canyon", "Golden Gate", "Mission", "El Camino", "Alta Loma", "Sierra",
    "Cesar Chavez", "Dolores Huerta", "Sally Ride", "Mae Jemison", "Grace Hopper", "Ada Lovelace",
    "Frederick Douglass", "Harriet Tubman", "Rosa Parks", "Thurgood Marshall", "Sojourner Truth",
    "Booker T. Washington", "Maya Angelou", "Langston Hughes", "John Muir", "Ansel Adams", "Amelia Earhart",
    "Albert Einstein", "Marie Curie", "Galileo", "Copernicus", "Sacajawea", "Pocahontas", "Fred Korematsu",
)  # fmt: skip

TEACHER_TITLES: Final = ("Teacher", "Teacher", "Teacher", "Lead Teacher", "Special Education Teacher")
PURE_STAFF_TITLES: Final = (
    ("Assistant Principal", "Administration"),
    ("Counselor", "Student Services"),
    ("Librarian", "Library"),
    ("School Nurse", "Health Services"),
    ("Office Manager", "Administration"),
    ("Social Worker", "Student Services"),
    ("Registrar", "Administration"),
    ("Attendance Clerk", "Administration"),
    ("Psychologist", "Student Services"),
    ("Technology Coordinator", "Technology"),
)
TEACHER_STAFF_TITLES: Final = (
    ("Instructional Coach", "Curriculum"),
    ("Department Chair", "Curriculum"),
    ("Dean of Students", "Administration"),
    ("Testing Coordinator", "Curriculum"),
    ("Teacher on Special Assignment", "Curriculum"),
)
PRINCIPAL_TITLE: Final = ("Principal", "Administration")
TECH_LEAD_ROLE: Final = "School Tech Lead"
PURE_ADMIN_TITLES: Final = (
    "Superintendent",
    "Chief Technology Officer",
    "Assistant Superintendent",
    "Director of Data and Assessment",
    "Director of Student Information Systems",
)
TEACHING_ADMIN_TITLES: Final = ("Director of Curriculum", "STEM Program Director", "Literacy Coordinator")

# Demographics, with weights (values are Clever's enum values, §2.3).
GENDERS: Final = (("F", 49), ("M", 50), ("X", 1))
RACES: Final = (
    ("Caucasian", 36),
    ("Asian", 15),
    ("Black or African American", 12),
    ("American Indian", 1),
    ("Hawaiian or Other Pacific Islander", 1),
    ("Two or More Races", 8),
    ("Unknown", 2),
    ("", 25),
)
HOME_LANGUAGES: Final = (
    ("English", 64),
    ("Spanish", 22),
    ("Vietnamese", 3),
    ("Mandarin", 2),
    ("Cantonese", 1),
    ("Tagalog", 2),
    ("Korean", 1),
    ("Arabic", 1),
    ("Russian", 1),
    ("Portuguese", 1),
    ("Somali", 1),
    ("Haitian Creole", 1),
)
FRL_STATUSES: Final = (("Free", 40), ("Reduced", 8), ("Paid", 47), ("", 5))
PHONE_TYPES: Final = (("Cell", 80), ("Home", 12), ("Work", 6), ("Other", 2))
GUARDIAN_RELATIONSHIPS: Final = (("Parent", 86), ("Grandparent", 7), ("Aunt/Uncle", 4), ("Other", 3))
# When a shared contact relates differently to a sibling (a step-parent, a grandparent raising one child).
OTHER_RELATIONSHIP: Final = {
    "Parent": "Other",
    "Grandparent": "Other",
    "Aunt/Uncle": "Parent",
    "Other": "Parent",
}
CONTACT_TYPES_BY_POSITION: Final = ("Primary", "Secondary", "Emergency")


class Term(NamedTuple):
    """A term as the section columns `Term_name, Term_start, Term_end` spell it (dates MM/DD/YYYY)."""

    name: str
    start: str
    end: str


YEAR: Final = Term("2026-2027", "08/24/2026", "06/11/2027")
FALL: Final = Term("Fall 2026", "08/24/2026", "01/15/2027")
SPRING: Final = Term("Spring 2027", "01/19/2027", "06/11/2027")


class Course(NamedTuple):
    """A course: its name, the district-wide course number and the section subject (Clever's enum)."""

    name: str
    number: str
    subject: str


class Slot(NamedTuple):
    """One class every student of a grade takes: the courses it may be (per grade index), and its term.

    `courses[g]` lists the choices for grade index g (0 = Kindergarten … 12); a slot with several choices is
    an elective, each section being one of them.
    """

    subject: str
    term: Term
    courses: tuple[tuple[Course, ...], ...]


GRADE_NAMES: Final = ("Kindergarten", *(str(n) for n in range(1, 13)))
# Elementary K–5, middle 6–8, high 9–12 (grade indexes, Kindergarten = 0).
BANDS: Final = {"elementary": range(6), "middle": range(6, 9), "high": range(9, 13)}
BAND_SCHOOL_KIND: Final = {
    "elementary": "Elementary School",
    "middle": "Middle School",
    "high": "High School",
}

_numbers: dict[str, str] = {}


def _course(name: str, subject: str) -> Course:
    number = _numbers.setdefault(name, f"C{len(_numbers) + 1:04d}")
    return Course(name, number, subject)


def _per_grade(subject: str, name_of: dict[int, tuple[str, ...]]) -> tuple[tuple[Course, ...], ...]:
    return tuple(tuple(_course(name, subject) for name in name_of.get(g, ())) for g in range(13))


def _label(g: int) -> str:
    return "Kindergarten" if g == 0 else f"Grade {g}"


def _each_grade(band: str, fmt: str) -> dict[int, tuple[str, ...]]:
    return {g: (fmt.format(grade=_label(g)),) for g in BANDS[band]}


ELA, MATH, SCIENCE, SOCIAL = "english/language arts", "math", "science", "social studies"
HOMEROOM, PE, ARTS = "homeroom/advisory", "PE and health", "arts and music"
LANGUAGE, TECH, INTERVENTION, OTHER = (
    "language",
    "technology and engineering",
    "interventions/online learning",
    "other",
)


def _elective(pairs: tuple[tuple[str, str], ...]) -> tuple[Course, ...]:
    return tuple(_course(name, subject) for name, subject in pairs)


_MIDDLE_ELECTIVES = _elective(
    (
        ("Band", ARTS),
        ("Chorus", ARTS),
        ("Visual Art", ARTS),
        ("Computer Science Discoveries", TECH),
        ("Spanish I", LANGUAGE),
        ("Reading Intervention", INTERVENTION),
    )
)
_HIGH_ELECTIVES = _elective(
    (
        ("Studio Art", ARTS),
        ("Concert Band", ARTS),
        ("Choir", ARTS),
        ("AP Computer Science Principles", TECH),
        ("Engineering Design", TECH),
        ("Digital Media", TECH),
        ("Credit Recovery", INTERVENTION),
        ("Study Hall", OTHER),
    )
)

CURRICULUM: Final[dict[str, tuple[Slot, ...]]] = {
    "elementary": (
        Slot(HOMEROOM, YEAR, _per_grade(HOMEROOM, _each_grade("elementary", "Homeroom {grade}"))),
        Slot(ELA, YEAR, _per_grade(ELA, _each_grade("elementary", "English Language Arts {grade}"))),
        Slot(MATH, YEAR, _per_grade(MATH, _each_grade("elementary", "Mathematics {grade}"))),
        Slot(SCIENCE, YEAR, _per_grade(SCIENCE, _each_grade("elementary", "Science {grade}"))),
        Slot(SOCIAL, YEAR, _per_grade(SOCIAL, _each_grade("elementary", "Social Studies {grade}"))),
        Slot(PE, YEAR, _per_grade(PE, _each_grade("elementary", "Physical Education {grade}"))),
        Slot(ARTS, FALL, _per_grade(ARTS, _each_grade("elementary", "Art {grade}"))),
        Slot(ARTS, SPRING, _per_grade(ARTS, _each_grade("elementary", "Music {grade}"))),
    ),
    "middle": (
        Slot(HOMEROOM, YEAR, _per_grade(HOMEROOM, _each_grade("middle", "Advisory {grade}"))),
        Slot(ELA, YEAR, _per_grade(ELA, _each_grade("middle", "English {grade}"))),
        Slot(MATH, YEAR, _per_grade(MATH, {6: ("Math 6",), 7: ("Math 7",), 8: ("Pre-Algebra",)})),
        Slot(
            SCIENCE,
            YEAR,
            _per_grade(SCIENCE, {6: ("Earth Science",), 7: ("Life Science",), 8: ("Physical Science",)}),
        ),
        Slot(
            SOCIAL,
            YEAR,
            _per_grade(SOCIAL, {6: ("World Geography",), 7: ("World History",), 8: ("U.S. History",)}),
        ),
        Slot(PE, FALL, _per_grade(PE, _each_grade("middle", "Physical Education {grade}"))),
        Slot(PE, SPRING, _per_grade(PE, _each_grade("middle", "Health {grade}"))),
        Slot(ARTS, YEAR, tuple(_MIDDLE_ELECTIVES if g in BANDS["middle"] else () for g in range(13))),
    ),
    "high": (
        Slot(
            ELA,
            YEAR,
            _per_grade(
                ELA, {9: ("English 9",), 10: ("English 10",), 11: ("English 11",), 12: ("English 12",)}
            ),
        ),
        Slot(
            MATH,
            YEAR,
            _per_grade(
                MATH, {9: ("Algebra I",), 10: ("Geometry",), 11: ("Algebra II",), 12: ("Precalculus",)}
            ),
        ),
        Slot(
            SCIENCE,
            YEAR,
            _per_grade(
                SCIENCE,
                {9: ("Biology",), 10: ("Chemistry",), 11: ("Physics",), 12: ("Environmental Science",)},
            ),
        ),
        Slot(
            SOCIAL,
            YEAR,
            _per_grade(
                SOCIAL,
                {
                    9: ("World History",),
                    10: ("U.S. History",),
                    11: ("U.S. Government and Economics",),
                    12: ("Ethnic Studies",),
                },
            ),
        ),
        Slot(
            LANGUAGE,
            YEAR,
            _per_grade(
                LANGUAGE,
                {
                    9: ("Spanish I", "French I", "Mandarin I"),
                    10: ("Spanish II", "French II", "Mandarin II"),
                    11: ("Spanish III", "French III"),
                    12: ("AP Spanish Language", "French IV"),
                },
            ),
        ),
        Slot(PE, FALL, _per_grade(PE, _each_grade("high", "Physical Education {grade}"))),
        Slot(PE, SPRING, _per_grade(PE, _each_grade("high", "Health {grade}"))),
        Slot(ARTS, YEAR, tuple(_HIGH_ELECTIVES if g in BANDS["high"] else () for g in range(13))),
    ),
}


def email_slug(name: str) -> str:
    """The ASCII letters of `name`, lower-cased: `Zoë` → `zoe`, `O'Brien` → `obrien`, `Soo-ah` → `sooah`."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "".join(ch for ch in ascii_name.lower() if ch.isalnum())
