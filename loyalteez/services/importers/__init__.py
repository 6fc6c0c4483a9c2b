"""Points from other bots: a MEE6 leaderboard dump, a CSV or a JSON list, imported as ledger rows.

    parsed = parse_import(content, "mee6", name, rate=None)   # every bad line reported, else the rows
    result = await run_import(engine, data, parsed, apply=False)   # the plan; apply=True writes it

See apply.py for how points become ledger rows and why importing the same file twice adds nothing.
"""

from loyalteez.services.importers.apply import DEFAULT_EVENT, ImportPlan, ImportResult, plan_import, run_import
from loyalteez.services.importers.parse import FORMATS, parse_import
from loyalteez.services.importers.rows import ImportFileError, ImportRow, ParsedImport

__all__ = [
    "DEFAULT_EVENT",
    "FORMATS",
    "ImportFileError",
    "ImportPlan",
    "ImportResult",
    "ImportRow",
    "ParsedImport",
    "parse_import",
    "plan_import",
    "run_import",
]
