"""The "Listen" control: recorded sections, served from the audio cache that `python -m services.speech build` fills.

Only names in the manifest are served, so no path from a request ever reaches the file system; each
name is a content hash, so a browser may keep the file for a year. Templates ask `listen_clip(page,
section)` (through components/listen.html) and get nothing when the audio has not been built.
"""

import pathlib

from flask import Blueprint, abort, current_app, send_file, url_for

from services import speech
from web.i18n import current_language

bp = Blueprint("listen", __name__)
ONE_YEAR = 365 * 24 * 3600


def _audio(app=None) -> dict:
    return (app or current_app).extensions["komek_audio"]


@bp.record_once
def _load_manifest(state) -> None:
    app = state.app
    directory = pathlib.Path(app.config.get("AUDIO_DIR") or speech.audio_dir())
    manifest = speech.load_manifest(directory)
    files = {clip["file"] for sections in manifest["clips"].values()
             for langs in sections.values() for clip in langs.values()}
    app.extensions["komek_audio"] = {"directory": directory, "clips": manifest["clips"], "files": files}

    def listen_clip(page: str, section: str) -> dict | None:
        """The clip of one section in the page's language, with its URL; None when not built."""
        clip = _audio().get("clips", {}).get(page, {}).get(section, {}).get(current_language())
        if clip is None:
            return None
        return {**clip, "url": url_for("listen.audio", name=clip["file"].removesuffix(".opus"))}

    app.jinja_env.globals["listen_clip"] = listen_clip


@bp.route("/audio/<name>.opus")
def audio(name: str):
    audio = _audio()
    file_name = f"{name}.opus"
    if file_name not in audio["files"]:
        abort(404)
    path = audio["directory"] / file_name
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype="audio/ogg", conditional=True, max_age=ONE_YEAR)
    response.headers["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
    return response
