"""`python -m packet` runs the command line."""

from packet.cli import main

main()
