"""`python -m llmextract` runs the command line."""

from llmextract.cli import main

main()
