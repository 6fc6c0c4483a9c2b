"""Operator maintenance: the daily SQLite backup, moving the data between engines, filing the ledger."""
