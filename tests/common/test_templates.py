"""Package templates translate with the block's translator, plurals included, without touching Django's catalogues."""
import pytest
from django.template import Context, TemplateSyntaxError
from django.utils import translation

from rtcm_xblocks.common.templates import compile_source


class Pirate:
    """A translator with the i18n service's API."""

    def gettext(self, message):
        return {"Save": "Stow it", "Decision %(number)s": "Move %(number)s"}.get(message, message)

    def ngettext(self, singular, plural, number):
        return ("One problem, matey" if number == 1 else "%(counter)s problems, matey") if "problem" in singular \
            else (singular if number == 1 else plural)


def render(source, **context):
    return compile_source("{% load i18n %}" + source).render(Context(dict(context, _i18n=Pirate())))


def test_trans_and_blocktrans_use_the_given_translator():
    assert render('{% trans "Save" %}') == "Stow it"
    assert render("{% blocktrans with number=n %}Decision {{ number }}{% endblocktrans %}", n=3) == "Move 3"


def test_blocktrans_count_picks_the_translated_plural_form():
    source = "{% blocktrans count counter=items|length %}{{ counter }} problem{% plural %}{{ counter }} problems{% endblocktrans %}"
    assert render(source, items=[1]) == "One problem, matey"
    assert render(source, items=[1, 2, 3]) == "3 problems, matey"


def test_values_are_escaped_and_a_broken_translation_falls_back_to_english():
    assert render("{% blocktrans with name=x %}Hello {{ name }}{% endblocktrans %}", x="<b>") == "Hello &lt;b&gt;"

    class Broken(Pirate):
        def gettext(self, message):
            return "%(missing)s"
    out = compile_source("{% load i18n %}{% blocktrans with name=x %}Hi {{ name }}{% endblocktrans %}").render(
        Context({"x": "Ana", "_i18n": Broken()}))
    assert out == "Hi Ana"


def test_django_translations_are_left_alone(settings):
    settings.USE_I18N = True
    with translation.override("ru"):
        before = translation.gettext("Save")
        render('{% trans "Save" %}')
        assert translation.gettext("Save") == before


def test_unsupported_tag_forms_are_refused_when_compiling():
    with pytest.raises(TemplateSyntaxError):
        compile_source('{% load i18n %}{% trans "x" as y %}')
    with pytest.raises(TemplateSyntaxError):
        compile_source('{% load i18n %}{% blocktrans context "menu" %}x{% endblocktrans %}')
