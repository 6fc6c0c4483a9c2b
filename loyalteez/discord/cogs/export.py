"""/export type:rewards|audit|users|config [format:csv|json]: a file, shown only to the admin who asked.

Viewer level. The reply is deferred first (a big ledger takes a moment to read), then answered with the
attachment; an export larger than Discord's attachment limit is refused with a sentence pointing to
`python bot.py export`.
"""

from __future__ import annotations

import io

import discord
from discord.ext import commands

from loyalteez.discord.admin_gate import AdminGate
from loyalteez.discord.caller import caller_of
from loyalteez.discord.replies import send
from loyalteez.services.config_io import tables, texts
from loyalteez.services.config_io.exports import ExportService

GUILD = {discord.InteractionContextType.guild}


class ExportCog(commands.Cog):
    def __init__(self, gate: AdminGate, exports: ExportService) -> None:
        self.gate = gate
        self.exports = exports

    @discord.slash_command(
        name="export",
        description="Download the rewards ledger, audit log, member stats or a config backup",
        contexts=GUILD,
    )
    @discord.option(
        "type",
        str,
        choices=list(tables.KINDS),
        description="rewards ledger, audit log, member stats (users) or the whole config (backup)",
    )
    @discord.option(
        "format",
        str,
        choices=list(tables.FORMATS),
        required=False,
        description="csv (default) or json; config backups are json",
    )
    async def export(self, ctx: discord.ApplicationContext, type: str, format: str | None) -> None:
        scope = await self.gate.scope(ctx)
        if scope is None:
            return
        result = await self.exports.attachment(scope, caller_of(ctx), type, format)
        file = discord.File(io.BytesIO(result.content), filename=result.filename)
        await send(ctx, texts.export_ready(result.kind, result.fmt, result.rows, len(result.content)), file=file)
