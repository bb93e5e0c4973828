"""Package templates translate with the block's translator, plurals included, without touching Django's catalogues;
editor data is embedded where no authored text can close its container."""
import json as _json
import re as _re

import pytest
from django.template import Context, TemplateSyntaxError
from django.utils import translation

from rtcm_xblocks.common.templates import compile_source, script_json


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


# --- authored text never reaches a runtime's init arguments, and cannot close its own container ------
HOSTILE = '</script><script>window.rtcmPwned = 1</script><!-- \u2028\u2029 & <b>'


def test_script_json_has_no_character_that_could_end_its_script_element_and_reads_back_the_same():
    value = {"title": HOSTILE, "nested": [HOSTILE, {"k": "</SCRIPT >"}]}
    text = script_json(value)
    assert not set(text) & set("<>&\u2028\u2029")
    assert _json.loads(text) == value


def _hostile_blocks():
    from tests.needs.cases import SMALL_FRAMEWORK  # pylint: disable=import-outside-toplevel
    from tests.scenario.cases import case  # pylint: disable=import-outside-toplevel
    return [("scenario", case(), ("student_view", "studio_view", "author_view")),
            ("needs", SMALL_FRAMEWORK, ("student_view", "studio_view"))]


@pytest.mark.parametrize("kind,olx,views", _hostile_blocks(), ids=lambda value: value if isinstance(value, str) and
                         len(value) < 10 else None)
def test_every_view_keeps_authored_text_out_of_init_arguments_and_inside_its_container(workbench, kind, olx, views):
    from tests.workbench import get_block, load_scenario  # pylint: disable=import-outside-toplevel
    name, usage_id = load_scenario(olx)
    clean = {view: workbench.page(name, student="staff", view=view) for view in views}
    block = get_block(usage_id, "staff")
    block.display_name = "Title " + HOSTILE
    if kind == "scenario":
        block.scenario = dict(block.scenario, steps=[dict(block.scenario["steps"][0], title="Step " + HOSTILE)]
                              + block.scenario["steps"][1:])
    block.save()
    for view in views:
        page = workbench.page(name, student="staff", view=view)
        page = page[:page.index('<section class="debug">')] if '<section class="debug">' in page else page
        for args in _re.findall(r'class="xblock_json_init_args">(.*?)</script>', page, _re.S):
            assert "rtcmPwned" not in args, (view, args)
        assert page.count("<script") == clean[view][:clean[view].index('<section class="debug">')].count("<script")
        assert page.count("</script>") == page.count("<script")
        assert "rtcmPwned" in page  # the title is there, as text
