"""OEP-58 translations as edx-platform and the Open edX translation pipeline handle an XBlock's catalogues.

What a real Open edX does with our `rtcm_xblocks/conf/locale`, followed from the platform's source
(openedx/edx-platform, master) and the pipeline's (openedx/openedx-translations):

- openedx-translations `.github/workflows/extract-translation-source-files.yml`: runs
  ``make extract_translations`` in the XBlock's repository, requires exactly one folder matching
  ``.+conf/locale/en$`` (hidden folders excluded), checks it with ``django-admin compilemessages
  --locale en`` and takes its ``django.po`` and ``djangojs.po`` (``text.po``/``textjs.po`` only when
  neither exists) into ``translations/<repo>/<module>/conf/locale/en/LC_MESSAGES/``; Transifex adds
  ``<lang>/LC_MESSAGES/`` beside it (`source_files`, `translations_repository`).
- openedx-translations `scripts/validate_translation_files.py`: every translated .po (not en) must
  pass ``msgfmt -v --strict --check`` before Transifex's pull requests merge
  (`validate_po_translation_file`; its edx-i18n-tools `check_messages` half is not mirrored).
- openedx/core/djangoapps/plugins/i18n_api.py: `atlas_pull_by_modules` pulls
  ``translations/*/<module>/conf/locale:<module>`` into the XBlock locale root (`atlas_pull`), and
  `compile_po_files` compiles every .po there with ``msgfmt --check-format`` (`compile_po_files`).
- xmodule/modulestore/api.py: the locale root ``REPO_ROOT/conf/plugins-locale/xblock.v1``, the JS
  file ``STATICI18N_ROOT/js/xblock.v1-i18n/<module>/<locale>.js``, the root module name (`Platform`).
- common/djangoapps/xblock_django/translation.py: `compile_xblock_js_messages` (the JS half of
  ``manage.py lms compile_xblock_translations``): for every installed XBlock class, each locale's
  ``djangojs.mo`` (else ``django.mo``) becomes a django.views.i18n.JavaScriptCatalog wrapped by
  django-statici18n in the class's ``i18n_js_namespace``, written to the file above; XBlock
  classes of one module share that file, so the last class loaded wins.
- xmodule/modulestore/django.py: `XBlockI18nService` — the atlas folder with domain ``django``
  when it exists, else the package's ``translations/`` folder with domain ``text``, else Django's
  own translation; `get_javascript_i18n_catalog_url` gives the compiled file's static URL.

Known differences: atlas itself is not run (the pull is a file copy of the same paths), the
platform's `path.Path` objects are pathlib paths, the static URL is ``/static/`` + the file name
(staticfiles_storage.url without a manifest), and only this package's XBlock classes are compiled
(the platform loops over every installed one).
"""
import gettext
import os
import re
import shutil
import subprocess
from importlib import resources
from pathlib import Path

import django.utils.translation
from django.utils.encoding import force_str
from django.utils.translation import get_language, override, to_locale
from django.views.i18n import JavaScriptCatalog

EN_DIR = re.compile(r".+conf/locale/en$")


def source_files(repository, untracked=("build", "dist", "var")):
    """The English source catalogues the extraction workflow takes from `repository`: {name: path}.

    The workflow searches a fresh clone: the top-level `untracked` folders (ignored by git, left by
    local builds) are skipped. Raises AssertionError where the workflow fails: no
    ``conf/locale/en`` folder, or more than one.
    """
    found = []
    for folder, subfolders, _files in os.walk(repository):
        subfolders[:] = [name for name in subfolders if not name.startswith(".")
                         and not (Path(folder) == Path(repository) and name in untracked)]
        relative = "./" + os.path.relpath(folder, repository)
        if EN_DIR.match(relative):
            found.append(Path(folder))
    assert len(found) == 1, f"the workflow needs exactly one English locale folder, found {found}"
    en_dir = found[0]
    django_po, djangojs_po = en_dir / "LC_MESSAGES" / "django.po", en_dir / "LC_MESSAGES" / "djangojs.po"
    if not django_po.exists() and not djangojs_po.exists():  # "Special support for XBlocks"
        django_po, djangojs_po = en_dir / "LC_MESSAGES" / "text.po", en_dir / "LC_MESSAGES" / "textjs.po"
    return {name: path for name, path in (("django.po", django_po), ("djangojs.po", djangojs_po)) if path.exists()}


def translations_repository(repository, repo_name, module, root, languages):
    """An openedx-translations checkout at `root` holding `repository`'s sources and `languages` ({code: folder}).

    The English files are what `source_files` takes; each language folder is copied as Transifex
    would commit it (its django.po and djangojs.po).
    """
    target = Path(root) / "translations" / repo_name / module / "conf" / "locale"
    for name, path in source_files(repository).items():
        (target / "en" / "LC_MESSAGES").mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target / "en" / "LC_MESSAGES" / name)
    for code, folder in languages.items():
        (target / code / "LC_MESSAGES").mkdir(parents=True, exist_ok=True)
        for name in ("django.po", "djangojs.po"):
            if (Path(folder) / "LC_MESSAGES" / name).exists():
                shutil.copyfile(Path(folder) / "LC_MESSAGES" / name, target / code / "LC_MESSAGES" / name)
    return Path(root)


def validate_po_translation_file(po_file):
    """(valid, msgfmt's output) for a translated .po, as the openedx-translations validation runs it."""
    completed = subprocess.run(["msgfmt", "-v", "--strict", "--check", "-o", os.devnull, str(po_file)],
                               capture_output=True, text=True, check=False)
    return completed.returncode == 0, completed.stdout + completed.stderr


class Platform:
    """The folders of one LMS install: REPO_ROOT and STATICI18N_ROOT (xmodule/modulestore/api.py)."""

    def __init__(self, root):
        self.repo_root = Path(root) / "edx-platform"
        self.static_root = Path(root) / "static"
        self.python_locale_root().mkdir(parents=True, exist_ok=True)

    def python_locale_root(self):
        """get_python_locale_root(): where atlas puts XBlock catalogues."""
        return self.repo_root / "conf" / "plugins-locale" / "xblock.v1"

    @staticmethod
    def javascript_i18n_file_name(module, locale):
        """get_javascript_i18n_file_name(): relative to the static root."""
        return f"js/xblock.v1-i18n/{module}/{locale}.js"

    def javascript_i18n_file_path(self, module, locale):
        """get_javascript_i18n_file_path()."""
        return self.static_root / self.javascript_i18n_file_name(module, locale)

    @staticmethod
    def root_module_name(block_class):
        """get_root_module_name(): "rtcm_xblocks" for rtcm_xblocks.scenario.block.ScenarioBlock."""
        return block_class.__module__.split(".")[0]

    def xblock_root_module_name(self, block):
        """get_xblock_root_module_name(): of the block's class before the runtime's mixins (unmixed_class)."""
        return self.root_module_name(getattr(block, "unmixed_class", block.__class__))

    def atlas_pull(self, translations_root, module_names):
        """`manage.py lms pull_xblock_translations`: ``atlas pull --expand-glob translations/*/<module>/conf/locale:<module>``."""
        locale_root = self.python_locale_root()
        assert not list(locale_root.iterdir()), f'"{locale_root}" should be empty before running atlas pull.'
        for module in module_names:
            for source in sorted(Path(translations_root).glob(f"translations/*/{module}/conf/locale")):
                shutil.copytree(source, locale_root / module, dirs_exist_ok=True)

    def compile_xblock_translations(self, xblock_classes):
        """`manage.py lms compile_xblock_translations`: msgfmt every .po, then the namespaced JS catalogues."""
        compile_po_files(self.python_locale_root())
        self.compile_xblock_js_messages(xblock_classes)

    def compile_xblock_js_messages(self, xblock_classes):
        """compile_xblock_js_messages() over `xblock_classes` (what XBlock.load_classes() yields)."""
        for block_class in xblock_classes:
            module = self.root_module_name(block_class)
            conf_locale_dir = self.python_locale_root() / module
            namespace = block_class.get_i18n_js_namespace()
            for locale_dir in conf_locale_dir.iterdir():
                locale_code = locale_dir.name
                domain = next((name for name in ("djangojs", "django")
                               if (locale_dir / "LC_MESSAGES" / f"{name}.mo").exists()), None)
                if domain and namespace:
                    path = self.javascript_i18n_file_path(module, locale_code)
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_text(mo_file_to_js_namespaced_catalog(conf_locale_dir, locale_code, domain, namespace),
                                    encoding="utf-8")

    def i18n_service(self, block):
        """The runtime's "i18n" service for `block`, as the LMS builds it."""
        return XBlockI18nService(self, block)


def compile_po_files(root):
    """compile_po_files(): ``msgfmt --check-format`` each .po into the .mo beside it (raises on an error)."""
    for folder, _subfolders, files in os.walk(root):
        for name in files:
            if name.endswith(".po"):
                po_file = Path(folder) / name
                subprocess.run(["msgfmt", "--check-format", "-o", str(po_file.with_suffix(".mo")), str(po_file)],
                               check=True, capture_output=True)


class AtlasJavaScriptCatalog(JavaScriptCatalog):
    """Django's JavaScriptCatalog over a GNU catalogue from any folder and domain."""

    translation = None

    def get(self, request, *args, **kwargs):
        locale = to_locale(get_language())
        self.translation = gettext.translation(kwargs["domain"], localedir=kwargs["locale_dir"], languages=[locale])
        return self.render_to_response(self.get_context_data(**kwargs))

    @classmethod
    def simulate_get_request(cls, locale, domain, locale_dir):
        """The rendered JavaScript catalogue for `locale`."""
        with override(locale):
            response = cls().get(request=None, domain=domain, locale_dir=locale_dir)
            return force_str(response.content)


def mo_file_to_js_namespaced_catalog(conf_locale_dir, locale, domain, namespace):
    """The JavaScript catalogue wrapped in `namespace` by django-statici18n's compilejsi18n helper."""
    from statici18n.management.commands.compilejsi18n import Command  # pylint: disable=import-outside-toplevel

    rendered = AtlasJavaScriptCatalog.simulate_get_request(locale=locale, domain=domain, locale_dir=conf_locale_dir)
    return Command()._get_namespaced_catalog(rendered_js=rendered, namespace=namespace)  # pylint: disable=protected-access


class XBlockI18nService:
    """The LMS's "i18n" service: the XBlock's own catalogue (atlas, else packaged ``translations/``), else Django's."""

    def __init__(self, platform, block=None):
        self.platform = platform
        self.translator = django.utils.translation
        if block is not None:
            domain, locale_dir = self.get_python_locale(block)
            if locale_dir:
                from django.conf import settings  # pylint: disable=import-outside-toplevel
                try:
                    self.translator = gettext.translation(
                        domain, str(locale_dir), [to_locale(get_language() or settings.LANGUAGE_CODE)])
                except OSError:
                    pass

    def get_python_locale(self, block):
        """(domain, folder): the atlas folder with "django" when it exists, else the package's translations/ with "text"."""
        module = self.platform.xblock_root_module_name(block)
        atlas = self.platform.python_locale_root() / module
        if atlas.is_dir():
            return "django", atlas
        return "text", Path(str(resources.files(module).joinpath("translations")))

    def get_javascript_i18n_catalog_url(self, block):
        """The compiled JavaScript catalogue's static URL for the active language, or None."""
        module = self.platform.xblock_root_module_name(block)
        locale = to_locale(get_language())
        if self.platform.javascript_i18n_file_path(module, locale).exists():
            return "/static/" + self.platform.javascript_i18n_file_name(module, locale)
        return None

    def __getattr__(self, name):
        name = "gettext" if name == "ugettext" else name
        return getattr(self.translator, name)
