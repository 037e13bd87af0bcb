"""Static files under content-hashed names, so browsers may cache them for a year.

`python -m web.assets` (run by `make install`) copies our CSS and JS and htmx from node_modules into
static/build/ as name.<hash>.ext and writes manifest.json; templates ask `asset_url("site.css")`.
"""

import hashlib
import json
import pathlib
import shutil

from flask import Flask, url_for

ROOT = pathlib.Path(__file__).resolve().parent.parent
BUILD_DIR = ROOT / "static" / "build"
MANIFEST = BUILD_DIR / "manifest.json"
SOURCES = {
    "site.css": ROOT / "static" / "css" / "site.css",
    "komek.js": ROOT / "static" / "js" / "komek.js",
    "htmx.js": ROOT / "node_modules" / "htmx.org" / "dist" / "htmx.min.js",
}
ONE_YEAR = 365 * 24 * 3600


def build() -> dict[str, str]:
    BUILD_DIR.mkdir(parents=True, exist_ok=True)
    manifest = {}
    for name, source in SOURCES.items():
        if not source.exists():
            raise SystemExit(f"{source} is missing: run `make install` (npm ci) first.")
        data = source.read_bytes()
        stem, ext = name.rsplit(".", 1)
        hashed = f"{stem}.{hashlib.sha256(data).hexdigest()[:12]}.{ext}"
        target = BUILD_DIR / hashed
        if not target.exists():
            temporary = target.with_suffix(".tmp")
            temporary.write_bytes(data)
            temporary.replace(target)
        manifest[name] = hashed
    for stale in BUILD_DIR.iterdir():
        if stale.name not in manifest.values() and stale != MANIFEST:
            stale.unlink() if stale.is_file() else shutil.rmtree(stale)
    MANIFEST.write_text(json.dumps(manifest, indent=2))
    return manifest


def init_app(app: Flask) -> None:
    try:
        manifest = json.loads(MANIFEST.read_text())
    except FileNotFoundError:
        manifest = build()

    def asset_url(name: str) -> str:
        return url_for("static", filename=f"build/{manifest[name]}")

    def asset_path(name: str) -> pathlib.Path:
        return BUILD_DIR / manifest[name]

    app.extensions["komek_assets"] = asset_path
    app.jinja_env.globals["asset_url"] = asset_url
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = ONE_YEAR


if __name__ == "__main__":
    for name, hashed in build().items():
        print(f"{name} -> static/build/{hashed}")
