"""The `newsqa` command's exit statuses, and the error every subcommand raises for bad input."""

from __future__ import annotations

# Besides 0 (ok) and 1 (internal fault, an ingest or refresh with failures): 2 for bad input or settings,
# 3 when the LLM failed (the evidence is still printed), 128 + N when an ingest stopped on signal N.
EXIT_USAGE = 2
EXIT_LLM_FAILED = 3


class UsageError(Exception):
    """A user-facing error of the command line: printed as one line, exit status 2."""
