"""Page states of views/status.py, for the audits (see tests/page_registry.py)."""

from tests.page_registry_common import PageState

EXCLUDED = {}

WRONG = {"reference": "KMK-2222-3333", "secret_code": "4444-5555"}


def _lock_reference(client, lang):
    from tests.journey_support import post_with_token

    for _try in range(5):
        post_with_token(client, f"/{lang}/status/", WRONG)


def _found_application(client, lang):
    import re

    from tests.journey_support import post_with_token, submit

    submit(client, "id-card", lang)
    slip = client.get(f"/{lang}/apply/id-card/keep-this").get_data(as_text=True)
    reference, secret = re.findall(r'class="big code">([^<]+)<', slip)[:2]
    post_with_token(client, f"/{lang}/status/", {"reference": reference, "secret_code": secret})


def status_states():
    return [
        PageState("status: check", "status.check_status", template="status-check"),
        PageState("status: wrong reference or code", "status.check_status", post=WRONG, template="status-error"),
        PageState("status: locked after 5 tries", "status.check_status", post=WRONG, prepare=_lock_reference,
                  template="status-locked"),
        PageState("status: an application", "status.show_status", prepare=_found_application, template="status-result"),
    ]
