"""The "Listen" control: every guide section and life-situation question, read aloud on our own machine.

Three parts, one module:

- `spoken_sections(app)` says what each section's clip must say: the SAME words the page shows for that
  section (its heading, statements, fee lines and the page's own sentences, in that language), built
  from the content objects with the same message ids as the templates.
- `normalise(text, lang)` rewrites that text for a speech engine: abbreviations as people say them
  (glossary `abbr.spoken`), phone numbers digit by digit, amounts as one number, dates as dates, and
  web addresses as their domain only.
- `build()` (`python -m services.speech build`, run by `make install`) turns every clip into Opus with
  Debian's espeak-ng and opusenc, no third-party service, into a cache folder outside the checkout
  (KOMEK_AUDIO_DIR, default ~/.cache/komek-audio). A file's name is a hash of the voice, the normalised
  text and the engine settings: changed text makes a new file, unchanged text is reused. It writes
  manifest.json (page, section, language -> file, bytes, seconds), which views/listen.py serves from.

No audio is committed; without a build the pages simply show no "Listen" control.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime
import hashlib
import json
import os
import pathlib
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from typing import Iterator

LANGUAGES = ("kk", "ru", "en")
MANIFEST_NAME = "manifest.json"
DEFAULT_AUDIO_DIR = pathlib.Path.home() / ".cache" / "komek-audio"
# File names are <16 hex digits>.opus; nothing else is ever served or pruned.
FILE_NAME = re.compile(r"^[0-9a-f]{16}\.opus$")

# Everything that changes the sound is part of each file's hash.
VOICES = {"kk": "kk", "ru": "ru", "en": "en-gb"}
ENGINE = {
    "engine": "espeak-ng",
    "words_per_minute": 145,  # a little slower than espeak's 175: many listeners are elderly
    "encoder": "opusenc",
    "bitrate_kbps": 16,       # mono speech; the issue allows up to 24
    "channels": 1,
    "format": 1,              # bump to regenerate every clip (e.g. after a normalisation fix)
}


def audio_dir() -> pathlib.Path:
    """Where clips and the manifest live: outside the checkout, so no audio is ever committed."""
    return pathlib.Path(os.environ.get("KOMEK_AUDIO_DIR") or DEFAULT_AUDIO_DIR).expanduser()


# --------------------------------------------------------------------------- normalisation

DIGIT_WORDS = {
    "kk": ("нөл", "бір", "екі", "үш", "төрт", "бес", "алты", "жеті", "сегіз", "тоғыз"),
    "ru": ("ноль", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"),
    "en": ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"),
}
DIGIT_JOINER = {"kk": "-", "ru": "-", "en": " "}

# Numbers people dial, said digit by digit ("1414" is not "one thousand four hundred and fourteen").
SERVICE_NUMBERS = ("1414", "112", "101", "102", "103", "104", "109")
_SERVICE_NUMBER = re.compile(r"(?<![\d.,])(%s)(?![\d]|[.,]\d)" % "|".join(SERVICE_NUMBERS))
# +7 701 234 56 78, 8 (727) 123-45-67, 8 800 080 7777: a leading +7 or 8 and 10 more digits.
_PHONE = re.compile(r"(?<![\w+])(?:\+7|8)(?:[\s\u00a0\u202f\u2009()\-]*\d){10}(?!\d)")

# "4 325", "4\u00a0325", "1\u202f262,5": digit groups joined by a no-break or thin space are one number.
_GROUPED_AMOUNT = re.compile(r"(?<![\d,.])\d{1,3}(?:[\u00a0\u202f\u2009]\d{3})+(?!\d)")
# "4,325" in English: a thousands comma (not a decimal one, which English does not use).
_EN_THOUSANDS = re.compile(r"(?<![\d,.])\d{1,3}(?:,\d{3})+(?![\d,])")

_DATE = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{4})(?!\d)")
MONTHS = {
    "kk": ("қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым", "шілде", "тамыз", "қыркүйек",
           "қазан", "қараша", "желтоқсан"),
    "ru": ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
           "октября", "ноября", "декабря"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"),
}

# A web address, or a bare domain such as eGov.kz or pki.gov.kz; only the domain is read.
_URL = re.compile(
    r"\bhttps?://(?:www\.)?([\w-]+(?:\.[\w-]+)+)[^\s]*?(?=[.,;:!?)»\"]*(?:\s|$))"
    r"|(?<![\w@/])(?:www\.)?((?:[\w-]+\.)+(?:kz|com|org|net|ru|gov))(?![\w.]*\w)",
    re.IGNORECASE,
)
# How a domain's parts are said; the rest are read by the voice as they are.
DOMAIN_WORDS = {
    "kk": {"egov": "игов", "gov": "гов", "kz": "кей-зет", "pki": "пи-кей-ай", "gov4c": "гов фор си"},
    "ru": {"egov": "и-гов", "gov": "гов", "kz": "кей-зет", "pki": "пи-кей-ай", "gov4c": "гов фор си"},
    "en": {"egov": "e-gov", "gov": "gov", "kz": "kz", "pki": "p k i", "gov4c": "gov four c"},
}

# Abbreviations as people say them (../shared/glossary.yaml, abbr.spoken, where it gives a form;
# letter names otherwise). Matched case-sensitively as whole words; a Kazakh or Russian ending
# ("ХҚКО-ға", "ЦОНе") stays attached.
ABBREVIATIONS = {
    "kk": {
        "ХҚКО": "ха-қы-ко-о", "ЦОН": "цон", "ЭЦҚ": "э-цэ-қы", "ЭЦП": "э-цэ-пэ", "АЕК": "а-е-ка",
        "ЖСН": "жэ-эс-эн", "МӘС": "мә-ә-эс", "АХАЖ": "ахаж", "БЖЗҚ": "бе-жэ-зэ-қы", "КСРО": "ка-эс-эр-о",
        "МАБ": "маб", "SMS": "эс-эм-эс", "QR": "кью-ар", "IBAN": "айбан", "EgovKzBot": "игов кей-зет бот",
        "eGov Mobile": "игов мобайл",
    },
    "ru": {
        "ЦОН": "цон", "ЭЦП": "э-цэ-пэ", "МРП": "эм-эр-пэ", "ИИН": "и-и-эн", "МСЭ": "эм-эс-э",
        "БМГ": "бэ-эм-гэ", "ЕНПФ": "е-эн-пэ-эф", "ЗАГС": "загс", "СССР": "эс-эс-эс-эр", "НУЦ": "эн-у-цэ",
        "SMS": "эс-эм-эс", "QR": "кью-ар", "IBAN": "айбан", "EgovKzBot": "и-гов кей-зет бот",
        "eGov Mobile": "и-гов мобайл",
    },
    "en": {
        # "Public Service Centre (ЦОН)": the name is said once; the letters on the door are for the eye.
        "Public Service Centre (ЦОН)": "Public Service Centre", "ЦОН": "Public Service Centre",
        "ЭЦП": "e-signature", "EDS": "e-signature", "IIN": "I-I-N", "ИИН": "I-I-N",
        "МРП": "M-R-P", "MCI": "M-C-I", "MSE": "M-S-E", "ID": "I-D", "QR": "Q-R",
        "ENPF": "E-N-P-F", "ЕНПФ": "E-N-P-F", "ЗАГС": "zags", "USSR": "U-S-S-R", "IBAN": "eye-ban",
        "SMS": "S-M-S", "EgovKzBot": "e-gov k z bot", "eGov Mobile": "e-gov mobile",
    },
}
_WORD_CHAR = r"0-9A-Za-zА-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі"


def _abbreviation_pattern(lang: str) -> re.Pattern:
    # Longest first, so "Public Service Centre (ЦОН)" wins over "ЦОН".
    names = sorted(ABBREVIATIONS[lang], key=len, reverse=True)
    # A capital letter may not follow (ЦОНЫ is another word); lower-case endings may (ЦОНе).
    return re.compile(
        rf"(?<![{_WORD_CHAR}])(%s)(?![A-ZА-ЯЁӘҒҚҢӨҰҮҺІ])" % "|".join(re.escape(n) for n in names)
    )


_ABBREVIATION_PATTERNS = {lang: _abbreviation_pattern(lang) for lang in LANGUAGES}


def spell_digits(digits: str, lang: str) -> str:
    words = DIGIT_WORDS[lang]
    return DIGIT_JOINER[lang].join(words[int(d)] for d in digits if d.isdigit())


def _say_phone(number: str, lang: str) -> str:
    plus = ("plus " if lang == "en" else "плюс ") if number.startswith("+") else ""
    return plus + spell_digits(number, lang)


def _say_date(match: re.Match, lang: str) -> str:
    day, month, year = (int(part) for part in match.groups())
    try:
        datetime.date(year, month, day)
    except ValueError:
        return match.group(0)
    name = MONTHS[lang][month - 1]
    if lang == "kk":
        return f"{year} жылғы {day} {name}"  # the site's own Kazakh date style
    if lang == "ru":
        return f"{day} {name} {year} года"
    return f"{day} {name} {year}"


def _say_domain(match: re.Match, lang: str) -> str:
    domain = (match.group(1) or match.group(2)).lower().removeprefix("www.")
    words = DOMAIN_WORDS[lang]
    return " ".join(words.get(part, part) for part in domain.split("."))


def normalise(text: str, lang: str) -> str:
    """The text rewritten for the speech engine in `lang`; the words themselves are not changed."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}")
    text = _URL.sub(lambda m: _say_domain(m, lang), text)
    text = _DATE.sub(lambda m: _say_date(m, lang), text)
    text = _PHONE.sub(lambda m: _say_phone(m.group(0), lang), text)
    text = _SERVICE_NUMBER.sub(lambda m: spell_digits(m.group(1), lang), text)
    text = _GROUPED_AMOUNT.sub(lambda m: re.sub(r"\D", "", m.group(0)), text)
    if lang == "en":
        text = _EN_THOUSANDS.sub(lambda m: m.group(0).replace(",", ""), text)
    text = _ABBREVIATION_PATTERNS[lang].sub(lambda m: ABBREVIATIONS[lang][m.group(1)], text)
    # "2024–2027", "3–5": a dash between numbers is a pause, not a minus.
    text = re.sub(r"(?<=\d)\s*[–—]\s*(?=\d)", " – ", text)
    text = re.sub(r"[\s\u00a0\u202f\u2009]+", " ", text)
    return text.strip()


def clip_name(lang: str, spoken_text: str) -> str:
    """The clip's file name: a hash of the voice, the normalised text and the engine settings."""
    key = json.dumps({"voice": VOICES[lang], "text": spoken_text, "engine": ENGINE},
                     ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16] + ".opus"


# --------------------------------------------------------------------------- what each clip says


@dataclass(frozen=True)
class Section:
    page: str      # "guide/<slug>" or "situation/<slug>"
    section: str   # also the id of the section's heading on the page
    lang: str
    text: str      # what the page shows, before normalisation


# Guide sections with a "Listen" control, in page order: (id, heading msgid, statements attribute).
GUIDE_SECTIONS = (
    ("in-short", "In short", "in_short"),
    ("cost", "Cost and how to pay", None),
    ("documents", "What to bring", "documents"),
    ("where", "Where to go", "where"),
    ("duration", "How long it takes", "duration"),
    ("on-behalf", "Can someone else do it for you?", "on_behalf"),
    ("steps", "Steps", "steps"),
    ("if-refused", "If you are refused", "if_refused"),
    ("free-help", "Free help", "free_help"),
    ("unknowns", "What we could not confirm", "unknowns"),
)


def guide_page(slug: str) -> str:
    return f"guide/{slug}"


def situation_page(slug: str) -> str:
    return f"situation/{slug}"


def question_section(number: int) -> str:
    return f"question-{number}"


def _sentence(text: str) -> str:
    """Each line ends in punctuation, so the voice pauses between list items as the eye does."""
    text = text.strip()
    return text if text[-1:] in ".!?:;…" else text + "."


def _statement_text(statement, lang: str, today: datetime.date) -> str:
    """components/statement.html `statement_text`, in words."""
    from flask_babel import gettext as _, ngettext

    parts = []
    if statement.caveat:
        parts.append(_("Check:"))
    parts.append(statement.text_in(lang))
    if any(fact.is_stale(today) for fact in statement.facts):
        parts.append(_("This may have changed since we checked it."))
    years = sorted({f.source_year for f in statement.facts if f.source_year and f.source_year < 2025})
    if years:
        parts.append(ngettext("(source from %(years)s)", "(sources from %(years)s)", len(years),
                              years=", ".join(map(str, years))))
    return " ".join(parts)


def _lines(statements, lang, today, ordered=False) -> list[str]:
    lines = [_sentence(_statement_text(s, lang, today)) for s in statements]
    return [f"{n}. {line}" for n, line in enumerate(lines, 1)] if ordered else lines


def _cost_lines(guide, content, lang, today) -> list[str]:
    """partials/guide_cost.html, in words."""
    from flask_babel import format_decimal, gettext as _

    cost, lines = guide.cost, []
    if cost.status == "free":
        lines += [_sentence(_("Free")), _("You pay the state nothing for this.")]
    elif cost.status == "fee":
        lines += [_("%(label)s: %(tenge)s tenge (%(mrp)s МРП) in %(year)s.", label=fee.label[lang],
                    tenge=format_decimal(fee.tenge), mrp=format_decimal(fee.mrp), year=fee.year)
                  for fee in cost.fees]
        if not content.mrp_is_current:
            lines.append(_("Check: fees change every 1 January. The amount for this year may be different."))
    else:
        lines.append(_("We could not confirm the cost. Ask at 1414 or check the official page."))
    lines += _lines(cost.notes, lang, today)
    lines += [_("You don't need to pay anyone to help you with this."), _("Free help is below.")]
    return lines


def _guide_sections(guide, content, lang, today) -> Iterator[Section]:
    from flask_babel import gettext as _

    for section, heading, attribute in GUIDE_SECTIONS:
        if attribute is None:
            lines = _cost_lines(guide, content, lang, today)
        else:
            statements = getattr(guide, attribute)
            if not statements and attribute == "unknowns":
                continue  # the page shows no such section
            lines = _lines(statements, lang, today, ordered=attribute == "steps")
        if attribute == "if_refused":
            lines.append(_("Ask the staff to tell you the reason. Then call 1414 and ask what to do."))
        yield Section(guide_page(guide.slug), section, lang, " ".join([_sentence(_(heading)), *lines]))


def _situation_sections(situation, content, lang, today) -> Iterator[Section]:
    from flask_babel import gettext as _

    page = situation_page(situation.slug)
    order = [f"{n}. {_sentence(content.guides[slug].title[lang] + ': ' + content.guides[slug].summary[lang])}"
             for n, slug in enumerate(situation.guides, 1)]
    yield Section(page, "order", lang, " ".join([_sentence(_("What to do, in this order")), *order]))
    for number, question in enumerate(situation.questions, 1):
        lines = [_sentence(question.question[lang]), *_lines(question.answer, lang, today)]
        yield Section(page, question_section(number), lang, " ".join(lines))


def spoken_sections(app, today: datetime.date | None = None) -> Iterator[Section]:
    """Every clip the site offers, with the words its section shows, in every language."""
    from flask_babel import force_locale

    from web.i18n import BABEL_LOCALES

    content = app.extensions["komek_content"]
    today = today or datetime.date.today()
    for lang in LANGUAGES:
        with app.test_request_context(f"/{lang}/"), force_locale(BABEL_LOCALES[lang]):
            for guide in content.guides.values():
                yield from _guide_sections(guide, content, lang, today)
            for situation in content.situations.values():
                yield from _situation_sections(situation, content, lang, today)


# --------------------------------------------------------------------------- audio files


def opus_duration(path: pathlib.Path) -> float:
    """Seconds of audio in an Ogg Opus file: the last page's granule position less the pre-skip."""
    data = path.read_bytes()
    if data[:4] != b"OggS" or data[28:36] != b"OpusHead":
        raise ValueError(f"{path} is not an Ogg Opus file")
    pre_skip = struct.unpack_from("<H", data, 28 + 10)[0]
    last = data.rfind(b"OggS")
    granule = struct.unpack_from("<q", data, last + 6)[0]
    return max(0.0, (granule - pre_skip) / 48000)


def _tools() -> tuple[str, str]:
    espeak, opusenc = shutil.which("espeak-ng"), shutil.which("opusenc")
    if not espeak or not opusenc:
        raise SystemExit(
            "espeak-ng and opusenc are needed to build the audio: apt-get install -y espeak-ng opus-tools"
        )
    return espeak, opusenc


def _synthesise(lang: str, spoken_text: str, target: pathlib.Path, tools: tuple[str, str]) -> None:
    espeak, opusenc = tools
    with tempfile.TemporaryDirectory(prefix="komek-speech-") as work:
        wav, opus = pathlib.Path(work) / "clip.wav", pathlib.Path(work) / "clip.opus"
        # Text on stdin: nothing in it is ever read as a command-line option.
        subprocess.run([espeak, "-v", VOICES[lang], "-s", str(ENGINE["words_per_minute"]), "-w", str(wav),
                        "--stdin"], input=spoken_text.encode("utf-8"), check=True, capture_output=True)
        subprocess.run([opusenc, "--quiet", "--bitrate", str(ENGINE["bitrate_kbps"]), "--downmix-mono",
                        str(wav), str(opus)], check=True, capture_output=True)
        _replace_atomically(target, opus.read_bytes())


def _replace_atomically(target: pathlib.Path, data: bytes) -> None:
    """Write beside the target under a unique name, then rename: a reader (or a second build running at
    the same time) never sees half a file."""
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        pathlib.Path(temporary).unlink(missing_ok=True)
        raise


def load_manifest(directory: pathlib.Path | None = None) -> dict:
    try:
        return json.loads(((directory or audio_dir()) / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {"clips": {}}


def build(app=None, directory: pathlib.Path | None = None, prune: bool = True, log=print) -> dict:
    """Make every clip that is missing, reuse the rest, write the manifest; returns the manifest."""
    if app is None:
        from app import create_app

        app = create_app()
    directory = directory or audio_dir()
    directory.mkdir(parents=True, exist_ok=True)
    tools = _tools()
    sections = list(spoken_sections(app))
    jobs = {}
    for section in sections:
        spoken = normalise(section.text, section.lang)
        jobs[section] = (clip_name(section.lang, spoken), spoken)
    missing = {name: (section.lang, spoken) for section, (name, spoken) in jobs.items()
               if not (directory / name).exists()}
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        for future in [pool.submit(_synthesise, lang, spoken, directory / name, tools)
                       for name, (lang, spoken) in missing.items()]:
            future.result()
    clips: dict = {}
    for section, (name, spoken) in jobs.items():
        path = directory / name
        clips.setdefault(section.page, {}).setdefault(section.section, {})[section.lang] = {
            "file": name,
            "bytes": path.stat().st_size,
            "seconds": round(opus_duration(path), 2),
            "words": len(spoken.split()),
        }
    manifest = {"engine": {**ENGINE, "voices": VOICES, "espeak_ng": _espeak_version(tools[0])}, "clips": clips}
    _replace_atomically(directory / MANIFEST_NAME,
                        json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8"))
    if prune:
        used = {name for name, _ in jobs.values()}
        for stale in directory.iterdir():
            if FILE_NAME.match(stale.name) and stale.name not in used:
                stale.unlink(missing_ok=True)
    log(f"{len(jobs)} clips ({len(missing)} new) in {directory}")
    return manifest


def _espeak_version(espeak: str) -> str:
    result = subprocess.run([espeak, "--version"], capture_output=True, text=True)
    return result.stdout.strip()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m services.speech", description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["build", "say"])
    parser.add_argument("--lang", choices=LANGUAGES, default="ru", help="for `say`: the language")
    parser.add_argument("text", nargs="?", help="for `say`: the text to normalise")
    args = parser.parse_intermixed_args(argv)
    if args.command == "say":
        print(normalise(args.text or sys.stdin.read(), args.lang))
        return
    started = time.monotonic()
    build()
    print(f"audio built in {time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    main()
