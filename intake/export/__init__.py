"""Exports of a session: the plan as JSON (with a committed JSON Schema)."""
