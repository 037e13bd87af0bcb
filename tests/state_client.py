"""Fetch any registered page state through the Flask test client (POST states included)."""

from tests.conftest import csrf_token_from


def fetch_state(client, state, lang: str, app, headers=None):
    path = state.path(lang, app)
    if state.prepare:
        # A fresh visit for each prepared state, so one state's draft never leaks into another.
        client = app.test_client()
        state.prepare(client, lang)
    if state.post is None:
        return client.get(path, headers=headers)
    data = dict(state.post)
    if not state.omit_csrf:
        data["csrf_token"] = csrf_token_from(client.get(path).get_data(as_text=True))
    return client.post(path, data=data, headers=headers)
