from flask_babel import lazy_gettext as _l
from wtforms import HiddenField

from forms.base import KomekForm
from forms.fields import RadioChoice
from services.readability import COLOUR_SCHEMES, SPACINGS, TEXT_SIZES


class ReadingSettingsForm(KomekForm):
    size = RadioChoice(
        _l("Text size"),
        list(zip(TEXT_SIZES, [_l("Normal (100%)"), _l("Large (125%)"), _l("Larger (150%)"), _l("Largest (200%)")])),
        _l("Choose a text size from the list"),
    )
    scheme = RadioChoice(
        _l("Colours"),
        list(zip(COLOUR_SCHEMES, [
            _l("Site colours (they follow your device's light or dark setting)"),
            _l("White text on black"),
            _l("Black text on cream"),
            _l("Yellow text on black"),
            _l("Dark blue text on light blue"),
        ])),
        _l("Choose colours from the list"),
    )
    line = RadioChoice(
        _l("Space between lines"),
        list(zip(SPACINGS, [_l("Normal"), _l("Wide")])),
        _l("Choose the space between lines from the list"),
    )
    letter = RadioChoice(
        _l("Space between letters and words"),
        list(zip(SPACINGS, [_l("Normal"), _l("Wide")])),
        _l("Choose the space between letters from the list"),
    )
    next = HiddenField()
