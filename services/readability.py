"""Reading settings: text size, colour scheme and spacing, kept in a cookie that holds nothing personal."""

from dataclasses import asdict, dataclass, fields, replace
from urllib.parse import parse_qsl, urlencode

TEXT_SIZES = ("100", "125", "150", "200")
# "device" follows the device's own light or dark setting; the others are fixed schemes.
COLOUR_SCHEMES = ("device", "dark", "cream", "yellow", "blue")
SPACINGS = ("normal", "wide")

COOKIE_NAME = "komek_reading"
COOKIE_MAX_AGE = 365 * 24 * 3600


@dataclass(frozen=True)
class ReadingSettings:
    size: str = "100"
    scheme: str = "device"
    line: str = "normal"
    letter: str = "normal"

    ALLOWED = {"size": TEXT_SIZES, "scheme": COLOUR_SCHEMES, "line": SPACINGS, "letter": SPACINGS}

    @classmethod
    def from_cookie(cls, value: str | None) -> "ReadingSettings":
        """Unknown names and values are ignored, so a stale or tampered cookie just means defaults."""
        chosen = {}
        for name, choice in parse_qsl((value or "")[:200]):
            if choice in cls.ALLOWED.get(name, ()):
                chosen[name] = choice
        return cls(**chosen)

    def to_cookie(self) -> str:
        return urlencode(asdict(self))

    def html_attributes(self) -> dict[str, str]:
        """Only settings that differ from the default become data- attributes on <html>."""
        default = ReadingSettings()
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) != getattr(default, f.name)}

    @property
    def is_default(self) -> bool:
        return self == ReadingSettings()

    def with_choices(self, **choices: str) -> "ReadingSettings":
        return replace(self, **choices)
