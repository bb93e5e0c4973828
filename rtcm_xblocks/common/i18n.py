"""Translation helpers: the package's own catalogues, the runtime's i18n service, and a marker for later.

The package ships its catalogues in the OEP-58 layout, ``rtcm_xblocks/conf/locale/<lang>/LC_MESSAGES/``
``django.po``/``django.mo`` and ``djangojs.po``, and compiled JavaScript catalogues in
``static/js/translations/<lang>/djangojs.js`` (see docs/TRANSLATIONS.md).
`translator(block)` translates with the package's catalogue for the active Django language and
falls back to the runtime's i18n service (the LMS's XBlockI18nService, which may hold catalogues
pulled by atlas, or Django's translation in the SDK workbench) for anything it lacks; in runtimes
without Django it is the service alone. Django is imported lazily: the pure core imports `N_`.
"""
import functools
import gettext as gettext_module
import json
from importlib import resources

__all__ = ["N_", "translator", "language_translator", "add_js_catalogue", "js_catalogue", "DOMAIN", "LOCALE_DIR", "JS_NAMESPACES"]

DOMAIN = "django"
LOCALE_DIR = "conf/locale"
JS_CATALOGUE = "static/js/translations/{code}/djangojs.js"
# Every block's `i18n_js_namespace`. The platform compiles one JavaScript catalogue per Python module
# (compile_xblock_translations), named for the last of our block classes it loads: the others alias it.
JS_NAMESPACES = ("RtcmScenarioI18N", "RtcmNeedsI18N")
_ALIAS_NAMESPACES = """(function (global) {{
  var names = {names}, api = null;
  names.forEach(function (name) {{ api = api || global[name]; }});
  names.forEach(function (name) {{ if (!global[name]) {{ global[name] = api; }} }});
}}(window));"""


def N_(message):  # pylint: disable=invalid-name
    """Mark `message` for extraction without translating it now (the block translates it on use)."""
    return message


class _Identity:
    """A stand-in with the i18n service's API, for runtimes that offer none."""

    @staticmethod
    def gettext(message):
        return message

    @staticmethod
    def ngettext(singular, plural, number):
        return singular if number == 1 else plural

    @staticmethod
    def pgettext(context, message):  # pylint: disable=unused-argument
        return message


class _Catalogue(gettext_module.GNUTranslations):
    """A compiled catalogue that says when it lacks a message instead of echoing it."""

    def lookup(self, key):
        """The translation stored under `key` (a msgid, or (msgid, plural index)), or None."""
        found = self._catalog.get(key)
        return found or None


class _Translator:
    """gettext/ngettext/pgettext over the package's catalogue, falling back to the runtime's service."""

    def __init__(self, catalogue, service):
        self._catalogue = catalogue
        self._service = service

    def gettext(self, message):
        """`message` translated."""
        found = self._catalogue.lookup(message) if self._catalogue is not None else None
        return found if found is not None else self._service.gettext(message)

    def ngettext(self, singular, plural, number):
        """The form of `singular`/`plural` for `number`, translated."""
        if self._catalogue is not None:
            found = self._catalogue.lookup((singular, self._catalogue.plural(number)))
            if found is not None:
                return found
        return self._service.ngettext(singular, plural, number)

    def pgettext(self, context, message):
        """`message` in `context`, translated."""
        if self._catalogue is not None:
            found = self._catalogue.lookup(f"{context}\x04{message}")
            if found is not None:
                return found
        pgettext = getattr(self._service, "pgettext", None)
        return pgettext(context, message) if callable(pgettext) else message

    def __getattr__(self, name):
        # Anything else the runtime's service offers (strftime, get_javascript_i18n_catalog_url…).
        return getattr(self._service, name)


def _service(block):
    """The runtime's i18n service for `block`, or an identity stand-in."""
    service = block.runtime.service(block, "i18n") if getattr(block, "runtime", None) else None
    return service or _Identity()


def _active_language():
    """Django's active language (e.g. "fa", "pt-br"), or None outside a configured Django."""
    try:
        from django.conf import settings  # pylint: disable=import-outside-toplevel
        from django.utils import translation  # pylint: disable=import-outside-toplevel
    except ImportError:
        return None
    if not settings.configured:
        return None
    return translation.get_language()


def _codes(language):
    """Catalogue folder names to try for `language`, most specific first: fa-ir -> fa_IR, fa-ir, fa."""
    language = (language or "").strip()
    if not language:
        return ()
    base, _sep, region = language.replace("_", "-").partition("-")
    base = base.lower()
    codes = []
    if region:
        region = region.title() if len(region) > 2 else region.upper()
        codes += [f"{base}_{region}", f"{base}-{region.lower()}"]
    codes.append(base)
    return tuple(dict.fromkeys(codes))


@functools.lru_cache(maxsize=64)
def _catalogue(language):
    """The package's compiled catalogue for `language`, or None when it ships none."""
    folder = resources.files("rtcm_xblocks").joinpath(*LOCALE_DIR.split("/"))
    for code in _codes(language):
        mo_file = folder.joinpath(code, "LC_MESSAGES", DOMAIN + ".mo")
        if mo_file.is_file():
            with mo_file.open("rb") as handle:
                return _Catalogue(handle)
    return None


def translator(block):
    """gettext/ngettext/pgettext for `block`: the package's catalogue, then the runtime's i18n service."""
    return _Translator(_catalogue(_active_language()), _service(block))


def language_translator(language=None):
    """gettext/ngettext/pgettext for pages outside any block (the roadmap): the package's catalogue, then Django's.

    `language` defaults to Django's active one.
    """
    from django.utils import translation  # pylint: disable=import-outside-toplevel
    return _Translator(_catalogue(language or _active_language()), translation)


@functools.lru_cache(maxsize=64)
def js_catalogue(language):
    """(path, source) of the package's JavaScript catalogue for `language`, or None when it ships none."""
    package = resources.files("rtcm_xblocks")
    for code in _codes(language):
        path = JS_CATALOGUE.format(code=code)
        resource = package.joinpath(*path.split("/"))
        if resource.is_file():
            return path, resource.read_text(encoding="utf-8")
    return None


def add_js_catalogue(block, fragment):
    """Add to `fragment`, before the view's own script, the JavaScript catalogue for the active language.

    The package's own catalogue goes in inline (it defines the blocks' ``i18n_js_namespace``
    objects, so it works in the LMS, Studio, the apps and the workbench alike); for a language the
    package does not ship, the runtime's catalogue URL (OEP-58 atlas) is used when it has one; that
    file defines one of our namespaces only, so a short script then gives the others the same
    catalogue. Returns what was added: a package path, a URL, or None.
    """
    found = js_catalogue(_active_language())
    if found is not None:
        fragment.add_javascript(found[1])
        return found[0]
    url_of = getattr(_service(block), "get_javascript_i18n_catalog_url", None)
    url = url_of(block) if callable(url_of) else None
    if url:
        fragment.add_javascript_url(url)
        fragment.add_javascript(_ALIAS_NAMESPACES.format(names=json.dumps(JS_NAMESPACES)))
    return url or None
