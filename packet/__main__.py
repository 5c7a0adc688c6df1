"""`python -m packet` runs the command line."""

from packet.launch import main

main()
