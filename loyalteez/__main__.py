"""`python -m loyalteez`: the same as `python bot.py` and the installed `loyalteez` command."""

import sys

from loyalteez.cli import main

sys.exit(main())
