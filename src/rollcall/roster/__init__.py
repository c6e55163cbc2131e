"""Building a district snapshot from an SFTP roster directory (Clever's CSV columns) with Clever's identity
rules: employees merge by e-mail, students and contacts never merge, every role keeps its v2 id; and
generating seeded synthetic roster directories of any size (`generate_roster`)."""

from rollcall.roster.counts import RosterCounts
from rollcall.roster.generator import GenerationSummary, generate_roster
from rollcall.roster.problem import Problem
from rollcall.roster.reader import RosterReport, load_roster, read_roster

__all__ = [
    "GenerationSummary",
    "Problem",
    "RosterCounts",
    "RosterReport",
    "generate_roster",
    "load_roster",
    "read_roster",
]
