"""The `rollcall` command line (Typer + Rich): with `web` and `testing`, the rooms that touch a terminal."""
