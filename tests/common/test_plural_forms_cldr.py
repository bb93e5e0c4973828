"""Each catalogue's Plural-Forms picks the forms CLDR's plural rules name for the language.

Babel writes a Plural-Forms header from its own table when a language's catalogue is started; for
some languages that table differs from CLDR (Tajik and Persian count 0 as singular, "i = 0 or
n = 1"). The header is what gettext and the generated JavaScript catalogue use at run time, so it
must agree with CLDR on every whole number: one form per CLDR category, never two categories in
one form.
"""
import gettext

import pytest
from babel import Locale
from babel.messages.pofile import read_po

from tests.languages import LANGUAGES, LOCALE

COUNTS = range(0, 1001)


def _catalog(language, domain):
    with open(LOCALE / language / "LC_MESSAGES" / f"{domain}.po", "rb") as handle:
        return read_po(handle, locale=language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_plural_forms_follow_cldr_for_whole_numbers(language):
    catalog = _catalog(language, "django")
    form = gettext.c2py(catalog.plural_expr)
    category = Locale.parse(language).plural_form
    forms_of = {}
    for count in COUNTS:
        forms_of.setdefault(category(count), set()).add(form(count))
    assert all(len(forms) == 1 for forms in forms_of.values()), (language, forms_of)
    assert len({forms.pop() for forms in forms_of.values()}) == len(forms_of) == catalog.num_plurals, (language, forms_of)


@pytest.mark.parametrize("language", LANGUAGES)
def test_both_catalogues_of_a_language_use_the_same_plural_forms(language):
    assert _catalog(language, "django").plural_forms == _catalog(language, "djangojs").plural_forms
