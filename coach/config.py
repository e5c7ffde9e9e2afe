"""The defaults a person keeps: a small TOML file in their config folder.

``~/.config/coach/config.toml`` (the XDG config folder, or ``$COACH_CONFIG``) may set the engine,
voice, rate, pace, level, guidance and cache folder a person wants every time. A value comes
from the first of: the command line, the environment (``COACH_CACHE_DIR`` only), the config file,
coach's own default; :func:`effective` says which for each. :func:`set_value` validates a value
exactly as the command line would and rewrites the one line that holds it, leaving the rest of
the file (comments too) as it was.
"""

from __future__ import annotations

import os
import re
import tempfile
import tomllib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from coach.errors import ConfigError, OptionError, suggest
from coach.options import parse_guidance, parse_level, parse_pace
from coach.voice.cache import default_cache_dir
from coach.voice.engines import ENGINES
from coach.voice.engines.base import DEFAULT_WPM, RATE_RANGE

Value = str | int | Path | None


def _engine(value: object) -> str:
    text = _text(value)
    if text not in ENGINES:
        raise OptionError(f"{text!r} is not an engine: use {', '.join(ENGINES)}")
    return text


def _rate(value: object) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise OptionError(f"{value!r} is not a whole number of words per minute")
    low, high = RATE_RANGE
    if not low <= value <= high:
        raise OptionError(f"{value} is out of range: allowed {low} to {high} words per minute")
    return value


def _pace(value: object) -> str:
    text = _text(value)
    parse_pace(text)
    return text.strip().lower()


def _level(value: object) -> str:
    return parse_level(_text(value)).value


def _guidance(value: object) -> str:
    return parse_guidance(_text(value)).value


def _cache_dir(value: object) -> Path:
    return Path(_text(value)).expanduser()


def _text(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise OptionError(f'{value!r} is not a word: give it in quotes, e.g. "slow"')
    return value.strip()


@dataclass(frozen=True)
class Key:
    name: str
    meaning: str
    parse: Callable[[object], Value]
    default: Callable[[], Value]


KEYS: Mapping[str, Key] = MappingProxyType(
    {
        key.name: key
        for key in (
            Key("engine", "speech engine (see 'coach voices')", _engine, lambda: "pyttsx3"),
            Key("voice", "the engine's voice id, or a Piper .onnx file", _text, lambda: None),
            Key("rate", "speaking rate, words per minute", _rate, lambda: DEFAULT_WPM),
            Key("pace", "slow, normal, fast or a factor 0.5 to 2.0", _pace, lambda: "normal"),
            Key("level", "beginner, standard or advanced", _level, lambda: "standard"),
            Key("guidance", "brief, standard or full", _guidance, lambda: "standard"),
            Key("cache_dir", "where spoken phrases are kept", _cache_dir, default_cache_dir),
        )
    }
)
ENVIRONMENT = MappingProxyType({"cache_dir": "COACH_CACHE_DIR"})


@dataclass(frozen=True)
class Setting:
    key: str
    value: Value
    source: str  # "command line", "environment COACH_CACHE_DIR", "config file, line 3", "default"


@dataclass(frozen=True)
class Settings:
    path: Path
    items: Mapping[str, Setting]

    def __getitem__(self, key: str) -> Value:
        return self.items[key].value

    def __iter__(self) -> Iterator[Setting]:
        return iter(self.items.values())


def config_path() -> Path:
    """``$COACH_CONFIG``, or ``config.toml`` in the user's config folder."""
    env = os.environ.get("COACH_CONFIG")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_config_path

    return user_config_path("coach") / "config.toml"


def read_config(path: Path | None = None) -> dict[str, Setting]:
    """The settings the file gives, validated, each with its line; {} when there is no file."""
    path = path or config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(path, None, f"cannot read it ({error})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line, what = _toml_problem(error)
        raise ConfigError(path, line, f'{what}; the file is TOML: key = "value"') from None
    out = {}
    for name, value in data.items():
        line = _line_of(text, name)
        key = KEYS.get(name)
        if isinstance(value, dict):
            raise ConfigError(
                path, line, f"[{name}] is a section; coach's settings are plain lines: key = value"
            )
        if key is None:
            raise ConfigError(
                path, line, f"unknown setting {name!r}: use {', '.join(KEYS)}{_near(name)}"
            )
        try:
            parsed = key.parse(value)
        except OptionError as error:
            raise ConfigError(
                path, line, f"{_about(name, error)}; change it with: coach config set {name} VALUE"
            ) from None
        out[name] = Setting(name, parsed, f"config file, line {line}" if line else "config file")
    return out


def effective(given: Mapping[str, object] | None = None, path: Path | None = None) -> Settings:
    """Every setting's value and where it came from; ``given`` holds what the command line set."""
    path = path or config_path()
    from_file = read_config(path)
    items = {}
    for name, key in KEYS.items():
        flag = (given or {}).get(name)
        env_name = ENVIRONMENT.get(name)
        if flag is not None:
            # The command line's own checks (Options, VoiceSettings) word errors for its flags.
            items[name] = Setting(name, flag, "command line")  # type: ignore[arg-type]
        elif env_name and os.environ.get(env_name):
            items[name] = Setting(name, key.parse(os.environ[env_name]), f"environment {env_name}")
        elif name in from_file:
            items[name] = from_file[name]
        else:
            items[name] = Setting(name, key.default(), "default")
    return Settings(path, MappingProxyType(items))


def set_value(name: str, text: str, path: Path | None = None) -> Setting:
    """Validate ``text`` for ``name`` and write it to the config file; return the new setting."""
    path = path or config_path()
    key = _key(name)
    try:
        value = key.parse(text)
    except OptionError as error:
        raise OptionError(_about(name, error)) from None
    read_config(path)  # refuse to rewrite a file that is already broken; say where instead
    line = f"{name} = {_toml_value(value)}"
    lines = _lines(path)
    at = _index_of(lines, name)
    if at is None:
        lines.append(line)
        number = len(lines)
    else:
        lines[at] = line
        number = at + 1
    _write_atomic(path, "".join(f"{entry}\n" for entry in lines))
    return Setting(name, value, f"config file, line {number}")


def unset(name: str, path: Path | None = None) -> bool:
    """Remove ``name`` from the config file; False when it was not there."""
    path = path or config_path()
    _key(name)
    lines = _lines(path)
    at = _index_of(lines, name)
    if at is None:
        return False
    del lines[at]
    _write_atomic(path, "".join(f"{entry}\n" for entry in lines))
    return True


def _about(name: str, error: OptionError) -> str:
    """An option's message about a setting: "--pace 'x' is ..." becomes "pace 'x' is ..."."""
    flag = f"--{name} "
    if error.message.startswith(flag):
        return f"{name} {error.message.removeprefix(flag)}"
    return f"{name}: {error.message}"


def _key(name: str) -> Key:
    try:
        return KEYS[name]
    except KeyError:
        raise OptionError(
            f"unknown setting {name!r}: use {', '.join(KEYS)}{_near(name)}",
            hint="'coach config' lists them",
        ) from None


def _near(name: str) -> str:
    return suggest(name, KEYS)


def _toml_value(value: Value) -> str:
    if isinstance(value, int):
        return str(value)
    text = str(value)
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + "".join(c if c.isprintable() else f"\\U{ord(c):08x}" for c in escaped) + '"'


def _lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return [
            "# coach settings: 'coach config' shows them, 'coach config set KEY VALUE' sets one."
        ]


def _key_pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"""^\s*(?:{re.escape(name)}|"{re.escape(name)}"|'{re.escape(name)}')\s*=""")


def _index_of(lines: list[str], name: str) -> int | None:
    pattern = _key_pattern(name)
    return next((i for i, line in enumerate(lines) if pattern.match(line)), None)


def _line_of(text: str, name: str) -> int | None:
    lines = text.splitlines()
    at = _index_of(lines, name)
    if at is None:  # a [section] rather than a key
        header = re.compile(rf"^\s*\[\s*[\"']?{re.escape(name)}[\"']?\s*\]")
        at = next((i for i, line in enumerate(lines) if header.match(line)), None)
    return None if at is None else at + 1


def _toml_problem(error: tomllib.TOMLDecodeError) -> tuple[int | None, str]:
    # Python 3.11 and 3.12 only put the position into the message: "... (at line 3, column 7)".
    message = str(error)
    found = re.search(r"\s*\(at line (\d+), column \d+\)$", message)
    line = getattr(error, "lineno", None) or (int(found.group(1)) if found else None)
    what = message[: found.start()] if found else message
    return line, what[:1].lower() + what[1:]


def _write_atomic(path: Path, text: str) -> None:
    """Write under a temporary name beside ``path``, then rename: never a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        Path(temp).replace(path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
