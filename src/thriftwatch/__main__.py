"""`python -m thriftwatch` runs the command line."""

from thriftwatch.cli import main

main()
