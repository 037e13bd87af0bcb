"""Does the status check answer a wrong reference faster than a wrong code? (It should not.)

`python -m benchmarks.status_timing`: median of 200 tries each, through the real view with the test
client. Tries are spread over many references so the lockout does not end the measurement early.
"""

import pathlib
import re
import statistics
import tempfile
import time

from tests.journey_support import csrf_token, submit
from tests.support import make_test_app

TRIES = 200


def measure() -> dict[str, float]:
    app = make_test_app(pathlib.Path(tempfile.mkdtemp()) / "timing.sqlite3")
    references = []
    for _index in range(TRIES // 4 + 1):
        client = app.test_client()
        submit(client, "id-card", "en")
        slip = client.get("/en/apply/id-card/keep-this").get_data(as_text=True)
        references.append(re.findall(r'class="big code">([^<]+)<', slip)[0])
    timings = {"wrong code": [], "wrong reference": []}
    for index in range(TRIES):
        for case, reference in (("wrong code", references[index // 4]), ("wrong reference", f"KMK-{index:04d}-ZZZZ".replace("0", "2").replace("1", "3"))):
            client = app.test_client()
            client.environ_base["REMOTE_ADDR"] = f"10.0.{index // 250}.{index % 250}"
            token = csrf_token(client.get("/en/status/").get_data(as_text=True))
            started = time.perf_counter()
            client.post("/en/status/", data={"csrf_token": token, "reference": reference, "secret_code": "2222-3333"})
            timings[case].append(time.perf_counter() - started)
    return {case: statistics.median(values) * 1000 for case, values in timings.items()}


if __name__ == "__main__":
    result = measure()
    for case, median in result.items():
        print(f"{case:16} median {median:.3f} ms over {TRIES} tries")
    print(f"difference: {abs(result['wrong code'] - result['wrong reference']):.3f} ms")
