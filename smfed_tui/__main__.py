"""`python -m smfed_tui` is the `smfed-wizard` command."""
import sys

from .cli import main

sys.exit(main())
