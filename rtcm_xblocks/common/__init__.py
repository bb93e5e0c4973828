"""The few things both blocks share: safe XML parsing, HTML sanitising, JSON handlers, i18n, staff checks."""
