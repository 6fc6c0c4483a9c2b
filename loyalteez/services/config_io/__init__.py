"""Config backups and rules files: export a server's whole configuration, validate and import one.

    export_config(data, now) -> dict            /export type:config, python bot.py export config
    read_config(path) -> ConfigDocument          parse + JSON Schema (docs/config.schema.json)
    import_config(data, document, apply=...)     python bot.py import-config (dry run unless apply)
    load_rules_file(path) -> ConfigDocument      replay/what-if --rules (validated by a scratch dry run)
    register(Section(...))                       how a feature adds its own section (see registry.py)

Data exports (ledger, audit log, member stats) are in tables.py.
"""

from loyalteez.services.config_io.diff import removals
from loyalteez.services.config_io.document import ConfigDocument, parse_config, read_config
from loyalteez.services.config_io.errors import ConfigFieldError, ConfigFileError, field_errors
from loyalteez.services.config_io.exchange import ConfigImport, config_json, export_config, import_config
from loyalteez.services.config_io.registry import Section, register, sections
from loyalteez.services.config_io.rules import load_rules_file
from loyalteez.services.config_io.target import connected_server

__all__ = [
    "ConfigDocument",
    "ConfigFieldError",
    "ConfigFileError",
    "ConfigImport",
    "Section",
    "config_json",
    "connected_server",
    "export_config",
    "field_errors",
    "import_config",
    "load_rules_file",
    "parse_config",
    "read_config",
    "register",
    "removals",
    "sections",
]
