"""Page states of views/status.py, for the audits (see tests/page_registry.py)."""

EXCLUDED = {}


def status_states():
    return []
