"""The package's Django templates and static text, loaded once per process, translated per request.

`xblock.utils`' ``render_django_template`` compiles a template on every call and its
``{% trans %}`` merges the block's catalogue into Django's own translation objects. Here a template
is compiled once, and its ``{% trans %}`` / ``{% blocktrans %}`` tags translate with the translator
given for the request (`common.i18n.translator(block)`), so one compiled template serves every
language and Django's translations are never modified.
"""
import functools
import json

from django.template import Context, Engine, Library, Node, Template, TemplateSyntaxError
from django.template.backends.django import get_installed_libraries
from django.template.base import render_value_in_context
from django.templatetags import i18n as django_i18n
from django.utils.safestring import mark_safe
from xblock.utils.resources import ResourceLoader

__all__ = ["render_template", "static_text", "compile_source", "script_json"]

_loader = ResourceLoader("rtcm_xblocks")


def script_json(value):
    """`value` as JSON for a ``<script type="application/json">`` element, where no text can end the element.

    Editor data is authored text; it is never handed to a runtime's `initialize_js` arguments, which
    some runtimes (the SDK workbench) write into a ``<script>`` unescaped. Here "<", ">" and "&" are
    written as JSON escapes, so neither ``</script>`` nor ``<!--`` can appear, and U+2028/U+2029 too.
    Read it back with ``JSON.parse(element.textContent)``. Mark the result safe in the template.
    """
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e") \
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


@functools.lru_cache(maxsize=None)
def static_text(path):
    """A text file of the package (CSS, JS), read once per process."""
    return _loader.load_unicode(path)


def render_template(path, i18n, context):
    """Render the package's Django template at `path` with `context`, translating with `i18n` (gettext)."""
    return _compiled(path).render(Context(dict(context, _i18n=i18n)))


@functools.lru_cache(maxsize=None)
def _compiled(path):
    return compile_source(_loader.load_unicode(path))


def compile_source(source):
    """A Django template from `source` whose i18n tags translate with the context's ``_i18n``."""
    engine = Engine(libraries=get_installed_libraries())
    engine.template_libraries["i18n"] = _I18N_TAGS
    return Template(source, engine=engine)


class _TranslatedNode(Node):
    """A plain ``{% trans %}`` or a ``{% blocktrans with/count %}`` tag: rendered as Django does, translated by ``_i18n``."""

    def __init__(self, node):
        super().__init__()
        self.node = node
        if isinstance(node, django_i18n.TranslateNode):
            literal = getattr(node.filter_expression.var, "literal", None)
            if literal is None or node.noop or node.asvar or node.message_context or node.filter_expression.filters:
                raise TemplateSyntaxError("{% trans %}: only a plain string literal is supported here.")
            # Django doubles percent signs in the message id and restores them after translating.
            self.msgid = str(literal).replace("%", "%%")
        elif node.asvar or node.message_context:
            raise TemplateSyntaxError("{% blocktrans %}: context and asvar are not supported here.")

    def render(self, context):
        node = self.node
        if isinstance(node, django_i18n.TranslateNode):
            # Like Django: the literal is template text, so its translation is not escaped.
            return mark_safe(context["_i18n"].gettext(self.msgid).replace("%%", "%"))
        i18n = context["_i18n"]
        msgid, names = node.render_token_list(node.singular)
        extra = {name: value.resolve(context) for name, value in node.extra_context.items()}
        english = msgid
        if node.plural:
            count = extra[node.countervar] = node.counter.resolve(context)
            plural, plural_names = node.render_token_list(node.plural)
            names = names + plural_names
            english = msgid if count == 1 else plural
        with context.push(extra):
            data = {name: render_value_in_context(context.get(name, ""), context) for name in names}
        try:
            translated = i18n.ngettext(msgid, plural, count) if node.plural else i18n.gettext(msgid)
            return translated % data
        except (KeyError, ValueError):  # a broken translation: the English text, as Django falls back
            return english % data


_I18N_TAGS = Library()
_I18N_TAGS.tag("trans", lambda parser, token: _TranslatedNode(django_i18n.do_translate(parser, token)))
_I18N_TAGS.tag("blocktrans", lambda parser, token: _TranslatedNode(django_i18n.do_block_translate(parser, token)))
