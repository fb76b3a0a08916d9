"""Marking and joining words, without Django: the engine's texts are marked with
gettext_noop (makemessages knows the name) and translated by the caller's `tr`."""

from __future__ import annotations

from collections.abc import Callable

Tr = Callable[[str], str]


def gettext_noop(message: str) -> str:
    """Marks a string for translation; translated on display."""
    return message


def identity(message: str) -> str:
    return message


def join_words(items: list[str], tr: Tr) -> str:
    """"a, b and c" (translated "and")."""
    if len(items) <= 1:
        return "".join(items)
    return tr(gettext_noop("%(first)s and %(last)s")) % {"first": ", ".join(items[:-1]),
                                                         "last": items[-1]}
