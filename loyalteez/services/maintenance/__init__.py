"""Operator maintenance: the daily SQLite backup and moving the data between engines."""
