"""Translations: complete, placeholder-safe, up-to-date catalogues for every shipped language, and blocks that use them."""
import ast
import gettext
import importlib.util
import io
import json
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from django.utils import translation
from web_fragments.fragment import Fragment

from rtcm_xblocks.common.i18n import add_js_catalogue, translator
from rtcm_xblocks.needs.framework import load_framework
from tests.languages import LANGUAGES
from tests.workbench import get_block, load_scenario

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "rtcm_xblocks" / "conf" / "locale"
DOMAINS = ("django", "djangojs")
BRACE = re.compile(r"\{(\w+)\}")
PERCENT = re.compile(r"%\((\w+)\)s")

SCENARIO = """
<rtcm_scenario display_name="Checkpoint" scoring="path">
  <step id="arrival" title="At the counter">
    <body><p>A traveller arrives.</p></body>
    <choice id="ask" to="done" points="1"><label>Ask open questions</label><feedback><p>Good.</p></feedback></choice>
    <choice id="wave" to="done" points="0"><label>Wave them through</label><feedback><p>Too quick.</p></feedback></choice>
  </step>
  <ending id="done" title="Referred" outcome="good"><body><p>Well done.</p></body></ending>
</rtcm_scenario>
"""


def _script(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _catalog(language, domain):
    with open(LOCALE / language / "LC_MESSAGES" / f"{domain}.po", "rb") as handle:
        return read_po(handle)


def _forms(string):
    return list(string) if isinstance(string, tuple) else [string]


def _ids(message):
    return list(message.id) if isinstance(message.id, tuple) else [message.id]


def _key(value):
    return tuple(value) if isinstance(value, (list, tuple)) else value


def _shout(text):
    return text.upper()


def _block(service=None):
    """A stand-in block whose runtime offers `service` as its i18n service."""
    runtime = SimpleNamespace(service=lambda block, name: service if name == "i18n" else None)
    return SimpleNamespace(runtime=runtime)


# ----------------------------------------------------------------------------------- catalogues

@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("domain", DOMAINS)
def test_every_message_has_a_finished_translation(language, domain):
    source = {(m.context, m.id) for m in _catalog("en", domain) if m.id}
    catalog = _catalog(language, domain)
    translated = {(m.context, m.id) for m in catalog
                  if m.id and not m.fuzzy and all(form.strip() for form in _forms(m.string))}
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not fuzzy, f"{language}/{domain}.po has fuzzy entries: {fuzzy[:5]}"
    missing = sorted(msgid for _context, msgid in source - translated)
    assert not missing, f"{language}/{domain}.po lacks {len(missing)} translations, e.g. {missing[:5]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_plural_messages_have_every_form_the_language_needs(language):
    for domain in DOMAINS:
        catalog = _catalog(language, domain)
        for message in catalog:
            if message.id and isinstance(message.id, tuple):
                assert len(message.string) == catalog.num_plurals, (language, message.id)


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_every_placeholder_and_still_format(language):
    for domain in DOMAINS:
        for message in _catalog(language, domain):
            if not message.id:
                continue
            braces = set().union(*(BRACE.findall(msgid) for msgid in _ids(message)))
            percents = set().union(*(PERCENT.findall(msgid) for msgid in _ids(message)))
            values = {name: 7 for name in braces | percents}
            for form in _forms(message.string):
                assert set(BRACE.findall(form)) == braces, (language, message.id, form)
                assert set(PERCENT.findall(form)) == percents, (language, message.id, form)
                if percents or "python-format" in message.flags:
                    assert form % values, (language, message.id)
                try:
                    _ids(message)[0].format(**values)
                except (KeyError, IndexError, ValueError):
                    continue  # not a str.format template (e.g. a help text showing JSON)
                assert form.format(**values), (language, message.id)


def test_the_placeholder_check_catches_a_dropped_or_renamed_placeholder():
    assert set(BRACE.findall("У вас {count} попыток")) == {"count"}
    assert set(BRACE.findall("У вас {число} попыток")) != {"count"}
    assert set(PERCENT.findall("Решение %(number)s")) != set(PERCENT.findall("Решение"))


def test_the_default_framework_pillars_and_competencies_are_in_the_catalogue():
    msgids = {m.id for m in _catalog("en", "django") if m.id}
    framework = load_framework("rtcm-default")
    texts = [p.title for p in framework.pillars] + [c.text for c in framework.competencies]
    assert len(texts) > 50
    assert not [text for text in texts if text not in msgids]


def test_the_catalogues_are_up_to_date_with_the_sources():
    problems = _script("i18n_extract").stale()
    assert not problems, "run `make extract_translations`, translate, `make compile_translations`:\n" + "\n".join(
        problems[:20])


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogues_match_their_po_files(language):
    compiler = _script("i18n_compile")
    folder = LOCALE / language / "LC_MESSAGES"
    with open(folder / "django.mo", "rb") as handle:
        compiled = {(m.context, _key(m.id)): _key(m.string) for m in read_mo(handle) if m.id}
    expected = {(m.context, _key(m.id)): _key(m.string) for m in _catalog(language, "django") if m.id and m.string}
    assert compiled == expected
    lms_copy = ROOT / "rtcm_xblocks" / "translations" / language / "LC_MESSAGES" / "text.mo"
    assert lms_copy.read_bytes() == (folder / "django.mo").read_bytes()
    js_file = ROOT / "rtcm_xblocks" / "static" / "js" / "translations" / language / "djangojs.js"
    assert js_file.read_text(encoding="utf-8") == compiler.js_catalogue(
        language, _catalog(language, "djangojs"), compiler.namespaces())


def test_the_js_catalogue_defines_both_blocks_namespaces():
    assert _script("i18n_compile").namespaces() == ["RtcmNeedsI18N", "RtcmScenarioI18N"]


# ----------------------------------------------------------------------------------- translator

def test_translator_prefers_the_package_catalogue_for_the_active_language():
    with translation.override("ru"):
        assert translator(_block(SimpleNamespace(gettext=_shout))).gettext("Start again") == "Начать заново"
    with translation.override("fa"):
        assert translator(_block()).gettext("Start again") == "شروع دوباره"


def test_translator_falls_back_to_the_runtime_service_for_unknown_messages_and_languages():
    service = SimpleNamespace(gettext=_shout, ngettext=lambda s, p, n: _shout(s if n == 1 else p),
                              pgettext=lambda c, m: _shout(m))
    with translation.override("ru"):
        assert translator(_block(service)).gettext("Not in our catalogue") == "NOT IN OUR CATALOGUE"
        assert translator(_block(service)).pgettext("menu", "Start again") == "START AGAIN"
    with translation.override("de"):
        assert translator(_block(service)).gettext("Start again") == "START AGAIN"
    with translation.override("en"):
        assert translator(_block(service)).ngettext("a", "b", 2) == "B"


def test_a_regional_variant_uses_the_language_catalogue():
    with translation.override("fa-ir"):
        assert translator(_block()).gettext("Start again") == "شروع دوباره"


@pytest.mark.parametrize("count, expected", [(1, "попытка"), (3, "попытки"), (5, "попыток"), (21, "попытка"), (12, "попыток")])
def test_russian_plurals_pick_the_right_form(count, expected):
    with translation.override("ru"):
        text = translator(_block()).ngettext("You have {count} more attempt.", "You have {count} more attempts.", count)
    assert text.format(count=count).endswith(f"{count} {expected}.")


def test_translator_without_a_runtime_service_echoes_what_it_lacks():
    with translation.override("ru"):
        assert translator(_block(None)).gettext("Unknown message") == "Unknown message"


def test_importing_the_i18n_helpers_imports_no_django():
    code = "import sys, rtcm_xblocks.common.i18n; print('django' in {m.split('.')[0] for m in sys.modules})"
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT).stdout
    assert output.strip() == "False"


# ----------------------------------------------------------------------------------- JS catalogue

def test_add_js_catalogue_inlines_the_package_catalogue_before_the_view_script():
    fragment = Fragment("<div></div>")
    with translation.override("fa"):
        added = add_js_catalogue(_block(), fragment)
    fragment.add_javascript("function View() {}")
    assert added == "static/js/translations/fa/djangojs.js"
    first, second = [resource.data for resource in fragment.resources]
    assert "RtcmScenarioI18N" in first and "شروع دوباره" in first and "View" in second


def test_add_js_catalogue_uses_the_runtime_catalogue_url_for_a_language_the_package_lacks():
    service = SimpleNamespace(gettext=str, get_javascript_i18n_catalog_url=lambda block: "/static/js/xblock.v1-i18n/x/de.js")
    fragment = Fragment()
    with translation.override("de"):
        assert add_js_catalogue(_block(service), fragment) == "/static/js/xblock.v1-i18n/x/de.js"
    assert [r.kind for r in fragment.resources] == ["url", "text"]
    assert fragment.resources[0].data == "/static/js/xblock.v1-i18n/x/de.js"
    assert "RtcmScenarioI18N" in fragment.resources[1].data  # the other namespaces alias the file's one


def test_add_js_catalogue_adds_nothing_in_english():
    fragment = Fragment()
    with translation.override("en"):
        assert add_js_catalogue(_block(SimpleNamespace(gettext=str)), fragment) is None
    assert not fragment.resources


# ----------------------------------------------------------------------------------- blocks

def _render(usage_id, view, student="student_1"):
    block = get_block(usage_id, student)
    fragment = block.render(view, {})
    return fragment.body_html(), "".join(r.data for r in fragment.resources if r.kind == "text")


def test_the_scenario_learner_view_renders_in_russian(db):  # pylint: disable=unused-argument
    _name, usage_id = load_scenario(SCENARIO)
    with translation.override("ru"):
        html, scripts = _render(usage_id, "student_view")
    assert "Что вы сделаете?" in html and "Решение 1 · попытка 1" in html
    assert 'language: "ru"' in scripts and "Начать заново" in scripts
    assert "What do you do?" not in html


def test_the_scenario_debrief_and_errors_are_russian(workbench):
    _name, usage_id = load_scenario(SCENARIO)
    with translation.override("ru"):
        status, state = workbench.call(usage_id, "choose", {"step": "arrival", "choice": "ask"})
        assert status == 200 and state["finished"]
        html, _scripts = _render(usage_id, "student_view")
        status, error = workbench.call(usage_id, "reflect", {"text": " "})
    assert "Разбор" in html and "Хороший исход" in html and "Ваш результат в этой попытке: 100%" in html
    assert status == 400 and error["message"] == "Напишите что-нибудь, прежде чем сохранить рефлексию."


def test_the_needs_learner_view_renders_in_russian_with_a_translated_framework(db):  # pylint: disable=unused-argument
    _name, usage_id = load_scenario('<rtcm_needs_assessment url_name="i18n_ru"/>')
    with translation.override("ru"):
        html, scripts = _render(usage_id, "student_view")
    assert "Загрузка самооценки…" in html
    state = json.loads(re.search(r'data-state="([^"]*)"', html).group(1).replace("&quot;", '"').replace("&amp;", "&")
                       .replace("&#x27;", "'").replace("&lt;", "<").replace("&gt;", ">"))
    titles = [pillar["title"] for pillar in state["framework"]["pillars"]]
    assert "Возвращение, реадмиссия и реинтеграция" in titles
    texts = [c["text"] for p in state["framework"]["pillars"] for c in p["competencies"]]
    assert any("национальный механизм перенаправления" in text for text in texts)
    assert state["scale"]["importance"][4]["label"] == "Крайне важно"
    assert "RtcmNeedsI18N" in scripts and "Мой план обучения" in scripts


def test_the_studio_views_render_in_persian(workbench):
    scenario_name, _usage_id = load_scenario(SCENARIO)
    needs_name, _needs_id = load_scenario('<rtcm_needs_assessment url_name="i18n_fa"/>')
    with translation.override("fa"):
        scenario_page = workbench.page(scenario_name, student="staff_i18n", view="studio_view")
        needs_page = workbench.page(needs_name, student="staff_i18n", view="studio_view")
        author_page = workbench.page(scenario_name, student="staff_i18n", view="author_view")
    assert "نقشه و مراحل" in scenario_page and "افزودن مرحله" in scenario_page
    assert "تنظیمات" in needs_page and "افزودن محور" in needs_page
    assert "پیش‌نمایش از دید فراگیر" in author_page
    for page in (scenario_page, needs_page, author_page):
        assert 'language: "fa"' in page


def test_the_catalogue_loads_through_gettext_like_the_lms_service_would():
    folder = ROOT / "rtcm_xblocks" / "translations"
    catalogue = gettext.translation("text", str(folder), ["az_AZ"])
    assert catalogue.gettext("Start again") == "Yenidən başla"
    assert io.BytesIO((folder / "az" / "LC_MESSAGES" / "text.mo").read_bytes()).read(4) in (b"\xde\x12\x04\x95",
                                                                                            b"\x95\x04\x12\xde")


def test_filling_a_message_from_the_other_domain_stays_within_its_own_language(tmp_path, monkeypatch):
    """Babel's update() shares the template's messages with the catalogue: one language's copy must not leak."""
    script = _script("i18n_extract")
    monkeypatch.setattr(script, "LOCALE", tmp_path)
    templates = {}
    for domain in DOMAINS:
        templates[domain] = script._new_catalog()  # pylint: disable=protected-access
        templates[domain].add("First attempt")
    for language, translated in (("ru", "Первая попытка"), ("az", None)):
        folder = tmp_path / language / "LC_MESSAGES"
        folder.mkdir(parents=True)
        catalog = script._new_catalog(language)  # pylint: disable=protected-access
        catalog.add("First attempt", translated or "")
        (folder / "django.po").write_bytes(script._render(catalog).encode("utf-8"))  # pylint: disable=protected-access
    assert script.update("ru", templates)["djangojs"]["First attempt"].string == "Первая попытка"
    assert not script.update("az", templates)["djangojs"]["First attempt"].string
    assert all(not message.string for template in templates.values() for message in template if message.id)


def test_no_message_is_marked_inside_an_f_string_where_babel_cannot_extract_it():
    """`_("…")` inside an f-string is skipped by the extraction: the text would never reach a translator."""
    markers = {"_", "N_", "gettext", "ngettext"}
    hidden = []
    for path in sorted((ROOT / "rtcm_xblocks").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.JoinedStr):
                continue
            for inner in ast.walk(node):
                func = getattr(inner, "func", None)
                name = getattr(func, "id", None) or getattr(func, "attr", None)
                if isinstance(inner, ast.Call) and name in markers:
                    hidden.append(f"{path.relative_to(ROOT)}:{inner.lineno}")
    assert not hidden, hidden
