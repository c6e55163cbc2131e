"""`python -m rollcall` runs the command-line interface."""

from rollcall.cli.app import main

main()
