"""The exit codes of every command and front-end, in one place (the CLI contract: 0, 1, 2, 130).

Scripts and CI read them, so each has one meaning everywhere: the CLI commands, plain mode, the
wizard, `status`, `migrate`, and the errors that end a command (`errors.SmfedError.exit_code`).
"""
from __future__ import annotations

EXIT_OK = 0          # done: written, applied, valid, nothing to change
EXIT_FINDINGS = 1    # the rules found errors, an edit introduces them, a peer is not connected, a conflict
EXIT_REFUSED = EXIT_FINDINGS   # migrate: what it would write is refused (the same code: the input has errors)
EXIT_UNUSABLE = 2    # the input or the command line cannot be used: nothing was done
EXIT_ABORTED = 130   # the user stopped it (ctrl+c, quit without writing, declined): nothing was done
