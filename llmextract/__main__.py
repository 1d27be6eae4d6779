"""`python -m llmextract`: the command line."""

from llmextract.cli import main

main()
