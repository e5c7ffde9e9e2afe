"""The user's settings: the config file, read and written through the session."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from coach.config import Setting, Settings


def settings(given: Mapping[str, object] | None = None) -> Settings:
    """Each setting's value and where it came from: ``given`` (the command line), the
    environment, the user's config file, or coach's own default."""
    from coach.config import effective

    return effective(given)


def set_setting(key: str, value: str) -> Setting:
    """Validate ``value`` and write it to the user's config file."""
    from coach.config import set_value

    return set_value(key, value)


def unset_setting(key: str) -> bool:
    """Remove ``key`` from the user's config file; False when it was not set there."""
    from coach.config import unset

    return unset(key)
