"""Seeded synthetic districts written as Clever SFTP files (`generate_roster`); `writer` documents the shape,
`shape` holds its numbers, `district` builds one school at a time, `vocabulary` holds the words."""

from rollcall.roster.generator.writer import GenerationSummary, generate_roster, generated_district_name

__all__ = ["GenerationSummary", "generate_roster", "generated_district_name"]
