"""OEP-58: our catalogues go through the Open edX translation pipeline and the platform's own compilation.

The extraction workflow takes ``conf/locale/en/LC_MESSAGES/django.po`` and ``djangojs.po``; atlas
pulls translated ``django.po``/``djangojs.po`` into the LMS's XBlock locale root;
``compile_xblock_translations`` compiles them with msgfmt and writes one namespaced JavaScript
catalogue per module; the LMS's i18n service and the blocks' views then use them. Each step is
the platform's, mirrored in tests/platform/translations.py.
"""
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po
from django.utils import translation

from rtcm_xblocks.common.i18n import JS_NAMESPACES, translator
from rtcm_xblocks.needs.block import NeedsAssessmentBlock
from rtcm_xblocks.scenario.block import ScenarioBlock
from tests.languages import LANGUAGES
from tests.platform.translations import (Platform, XBlockI18nService, source_files, translations_repository,
                                        validate_po_translation_file)
from tests.workbench import get_block, load_scenario

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "rtcm_xblocks" / "conf" / "locale"
BLOCKS = (ScenarioBlock, NeedsAssessmentBlock)  # in entry-point order, as XBlock.load_classes() yields them
NEEDS_MESSAGE = "How important is this to my job?"

needs_msgfmt = pytest.mark.skipif(shutil.which("msgfmt") is None,
                                  reason="msgfmt (Debian's gettext) is needed, as on the platform: `make gettext`")


class _Block:
    """What the platform's service and our helpers read from a block: its class (module) and namespace."""

    def __init__(self, block_class, service=None):
        self.unmixed_class = block_class
        self.i18n_js_namespace = block_class.i18n_js_namespace
        self._service = service
        self.runtime = self

    def service(self, _block, name):
        return self._service if name == "i18n" else None


def _german(folder):
    """A "de" catalogue as translators might add it through Transifex: "[de] " before every English message."""
    for domain in ("django", "djangojs"):
        with open(LOCALE / "en" / "LC_MESSAGES" / f"{domain}.po", "rb") as handle:
            catalog = read_po(handle, locale="de")
        for message in catalog:
            if message.id:
                ids = message.id if isinstance(message.id, tuple) else (message.id,)
                forms = tuple("[de] " + ids[min(index, len(ids) - 1)] for index in range(catalog.num_plurals))
                message.string = forms if isinstance(message.id, tuple) else forms[0]
        (folder / "LC_MESSAGES").mkdir(parents=True, exist_ok=True)
        with open(folder / "LC_MESSAGES" / f"{domain}.po", "wb") as handle:
            write_po(handle, catalog)
    return folder


@pytest.fixture
def platform(tmp_path):
    """An LMS after `pull_xblock_translations` and `compile_xblock_translations`, with ru, az, fa and a "de"."""
    languages = {code: LOCALE / code for code in LANGUAGES}
    languages["de"] = _german(tmp_path / "transifex" / "de")
    repository = translations_repository(ROOT, "rtcm-xblocks", "rtcm_xblocks", tmp_path / "openedx-translations",
                                         languages)
    lms = Platform(tmp_path)
    lms.atlas_pull(repository, ["rtcm_xblocks"])
    lms.compile_xblock_translations(BLOCKS)
    return lms


# ----------------------------------------------------------------------------------- the pipeline's side

def test_the_extraction_workflow_takes_django_po_and_djangojs_po_from_our_one_english_folder():
    found = source_files(ROOT)
    assert found == {"django.po": LOCALE / "en" / "LC_MESSAGES" / "django.po",
                     "djangojs.po": LOCALE / "en" / "LC_MESSAGES" / "djangojs.po"}


def test_no_catalogue_keeps_the_pre_oep58_text_domain_names():
    assert not sorted(LOCALE.glob("*/LC_MESSAGES/text*.po")), "text.po/textjs.po are now django.po/djangojs.po"


@needs_msgfmt
def test_the_english_sources_pass_the_workflows_compilemessages_check(tmp_path):
    for name, path in source_files(ROOT).items():
        subprocess.run(["msgfmt", "--check-format", "-o", str(tmp_path / f"{name}.mo"), str(path)], check=True)


@needs_msgfmt
@pytest.mark.parametrize("language", LANGUAGES)
def test_our_translations_pass_the_pipelines_validation(language):
    for domain in ("django", "djangojs"):
        valid, output = validate_po_translation_file(LOCALE / language / "LC_MESSAGES" / f"{domain}.po")
        assert valid, output


# ----------------------------------------------------------------------------------- the platform's side

@needs_msgfmt
def test_atlas_pulled_catalogues_compile_with_the_platforms_msgfmt(platform):
    root = platform.python_locale_root() / "rtcm_xblocks"
    for code in LANGUAGES:
        for domain in ("django", "djangojs"):
            assert (root / code / "LC_MESSAGES" / f"{domain}.mo").stat().st_size > 1000, (code, domain)


@needs_msgfmt
def test_the_lms_service_translates_with_the_atlas_catalogue(platform):
    service = platform.i18n_service(_Block(ScenarioBlock))
    assert service.get_python_locale(_Block(ScenarioBlock))[0] == "django"
    with translation.override("ru"):
        assert platform.i18n_service(_Block(ScenarioBlock)).gettext("Start again") == "Начать заново"
    with translation.override("de"):
        block = _Block(NeedsAssessmentBlock)
        block._service = platform.i18n_service(block)  # pylint: disable=protected-access
        assert translator(block).gettext("Start again") == "[de] Start again"  # a language we do not ship


def test_without_atlas_the_lms_service_uses_the_packaged_catalogue(tmp_path):
    lms = Platform(tmp_path)
    assert lms.i18n_service(_Block(ScenarioBlock)).get_python_locale(_Block(ScenarioBlock))[0] == "text"
    with translation.override("az"):
        assert lms.i18n_service(_Block(ScenarioBlock)).gettext("Start again") == "Yenidən başla"


@needs_msgfmt
def test_compile_xblock_translations_writes_one_catalogue_per_language_for_our_module(platform):
    folder = platform.static_root / "js" / "xblock.v1-i18n" / "rtcm_xblocks"
    assert sorted(path.name for path in folder.iterdir()) == sorted(f"{code}.js" for code in (*LANGUAGES, "de", "en"))
    source = (folder / "ru.js").read_text(encoding="utf-8")
    # Both classes write the same file: the last one loaded names the only namespace in it.
    assert "global.RtcmNeedsI18N = RtcmNeedsI18N" in source and "RtcmScenarioI18N" not in source
    assert json.dumps("Начать заново")[1:-1] in source  # Django's JavaScriptCatalog writes JSON, ASCII-escaped


def test_every_block_declares_one_of_the_namespaces_the_alias_knows():
    assert sorted(block.i18n_js_namespace for block in BLOCKS) == sorted(JS_NAMESPACES)


@needs_msgfmt
@pytest.mark.parametrize("olx, namespace, message", [
    ('<rtcm_scenario display_name="Checkpoint"><step id="a" title="A"><body><p>x</p></body>'
     '<choice id="c" to="e"><label>Go</label></choice></step><ending id="e" title="E"/></rtcm_scenario>',
     "RtcmScenarioI18N", "Start again"),
    ('<rtcm_needs_assessment url_name="oep58"/>', "RtcmNeedsI18N", NEEDS_MESSAGE),
])
def test_both_blocks_speak_a_language_that_only_atlas_brings(platform, _chromium, db, olx, namespace, message):  # pylint: disable=unused-argument
    """The learner view under the LMS's i18n service: the platform's compiled catalogue reaches the block's namespace."""
    _name, usage_id = load_scenario(olx)
    block = get_block(usage_id)
    workbench_service = block.runtime.service
    block.runtime.service = lambda of, name: platform.i18n_service(of) if name == "i18n" else workbench_service(of, name)
    with translation.override("de"):
        fragment = block.render("student_view", {})
    scripts = [resource for resource in fragment.resources if resource.mimetype == "application/javascript"]
    assert scripts[0].kind == "url" and scripts[0].data == "/static/js/xblock.v1-i18n/rtcm_xblocks/de.js"
    _chromium.get("about:blank")
    for resource in scripts[:2]:  # the catalogue, then what add_js_catalogue put after it
        source = resource.data
        if resource.kind == "url":  # what the LMS serves at that URL
            source = (platform.static_root / resource.data.removeprefix("/static/")).read_text(encoding="utf-8")
        _chromium.execute_script("var s = document.createElement('script'); s.textContent = arguments[0];"
                                 " document.head.appendChild(s);", source)
    assert _chromium.execute_script(f"return window.{namespace} && window.{namespace}.gettext(arguments[0])",
                                    message) == f"[de] {message}"


def test_the_service_mirror_answers_none_for_a_language_without_a_compiled_catalogue(tmp_path):
    with translation.override("uk"):
        assert XBlockI18nService(Platform(tmp_path)).get_javascript_i18n_catalog_url(_Block(ScenarioBlock)) is None
