"""Page states of views/help.py, for the audits (see tests/page_registry.py)."""

EXCLUDED = {}


def help_states():
    return []
