"""Translation helpers: the runtime's i18n service, and a marker for strings translated later."""

__all__ = ["N_", "translator"]


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


def translator(block):
    """The i18n service bound to `block` (gettext/ngettext), or an identity stand-in."""
    service = block.runtime.service(block, "i18n") if block.runtime else None
    return service or _Identity()
