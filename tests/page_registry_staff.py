"""Page states of views/staff.py, for the audits (see tests/page_registry.py)."""

EXCLUDED = {}


def staff_states():
    return []
