#!/usr/bin/env python3
"""Loyalteez community bot. `python bot.py --help` lists every command and setting."""

import sys

from loyalteez.cli import main

if __name__ == "__main__":
    sys.exit(main())
