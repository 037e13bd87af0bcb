"""The floor for benchmarks/load.py: one Flask route and nothing else, served by the same gunicorn
configuration as Komek, so each page's figures can be read as a ratio to what Flask itself costs."""

from flask import Flask

app = Flask(__name__)


@app.route("/")
def bare_route():
    return "Сәлем"
