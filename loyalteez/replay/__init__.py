"""Replay of Discord history: read DiscordChatExporter JSON exports and generate synthetic ones."""
