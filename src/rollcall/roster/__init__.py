"""Clever SFTP rosters: reading a directory into a district snapshot with Clever's identity rules
(employees merge by e-mail, students and contacts never merge, every role keeps its v2 id), and generating
synthetic ones."""

from rollcall.roster.counts import RosterCounts
from rollcall.roster.generator import GenerationSummary, generate_roster, generated_district_name
from rollcall.roster.problem import Problem
from rollcall.roster.reader import RosterReport, load_roster, read_roster

__all__ = [
    "GenerationSummary",
    "Problem",
    "RosterCounts",
    "RosterReport",
    "generate_roster",
    "generated_district_name",
    "load_roster",
    "read_roster",
]
