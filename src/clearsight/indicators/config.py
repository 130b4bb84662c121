"""A council's indicator configuration: the documented defaults with the council's own settings on top.

The defaults, each with the section of indicators.md that uses it, are `defaults.yml` beside this module
(indicators.md Appendix B). A council's settings are `config.yml` in its folder under the data root; a key
left out keeps its default, and a key the defaults do not know is refused, so that a misspelt setting
never passes silently. `config_version` is a hash of the effective configuration, stored with every result
so that results computed under different settings are never compared (§4).

Must not import Django, the warehouse or anything above it.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from clearsight.yamltext import parse_yaml

DEFAULTS = Path(__file__).with_name("defaults.yml")
CONFIG_FILE = "config.yml"
# Settings whose keys the council chooses: per-indicator RAG, ASYE workers, and the case supervision
# interval, which may be one number or one per cohort ({CP: 14, CLA: 28}).
OPEN_SECTIONS = frozenset({"indicators", "supervision.asye_workers", "supervision.case_interval_days"})


class ConfigError(ValueError):
    """A configuration file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Config:
    """The effective configuration: look values up by dotted key, e.g. `config["cp_visits.standard_wd"]`."""

    values: Mapping[str, Any]

    def __getitem__(self, key: str) -> Any:
        node: Any = self.values
        for part in key.split("."):
            node = node[part]
        return node

    def flat(self) -> dict[str, Any]:
        """Every leaf setting by dotted key (the per-indicator section left out)."""
        return {key: value for key, value in _leaves(self.values) if not key.startswith("indicators.")}

    def indicator(self, indicator_id: str) -> Mapping[str, Any]:
        """The council's RAG settings for one indicator (empty when it sets none)."""
        return self.values.get("indicators", {}).get(indicator_id) or {}

    @property
    def version(self) -> str:
        """A short hash of the effective configuration (indicators.md §2.1 `config_version`)."""
        text = json.dumps(self.values, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:12]


@cache
def _defaults() -> dict[str, Any]:
    return parse_yaml(DEFAULTS.read_text(encoding="utf-8"))


def default_config() -> Config:
    return Config(copy.deepcopy(_defaults()))


def make_config(settings: Mapping[str, Any] | None, source: str = "configuration") -> Config:
    """The defaults overlaid with `settings` (nested as in defaults.yml, or with dotted keys)."""
    values = copy.deepcopy(_defaults())
    for key, value in _leaves(_nest(settings or {})):
        _set(values, key, value, source)
    return Config(values)


def load_config(council_folder: Path) -> Config:
    """The configuration of the council whose folder is given: defaults where it has no config.yml."""
    path = council_folder / CONFIG_FILE
    if not path.is_file():
        return default_config()
    try:
        settings = parse_yaml(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise ConfigError(f"{path}: cannot be read as YAML ({error})") from error
    if not isinstance(settings, dict):
        raise ConfigError(f"{path}: expected a mapping of settings, as in the documented defaults")
    return make_config(settings, str(path))


def _nest(settings: Mapping[str, Any]) -> dict[str, Any]:
    """Dotted keys ("cp_visits.standard_wd": 15) turned into nested mappings."""
    nested: dict[str, Any] = {}
    for key, value in settings.items():
        node = nested
        *parents, last = str(key).split(".")
        for part in parents:
            node = node.setdefault(part, {})
        if isinstance(value, Mapping) and isinstance(node.get(last), dict):
            node[last].update(_nest(value))
        else:
            node[last] = _nest(value) if isinstance(value, Mapping) else value
    return nested


def _leaves(values: Mapping[str, Any], prefix: str = ""):
    for key, value in values.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, Mapping) and value and dotted not in OPEN_SECTIONS:
            yield from _leaves(value, dotted + ".")
        else:
            yield dotted, value


def _set(values: dict[str, Any], key: str, value: Any, source: str) -> None:
    """Set a known setting; inside an open section (the council names the keys) any key may be set."""
    node: Any = values
    parts = key.split(".")
    free = False
    for depth, part in enumerate(parts[:-1]):
        free = free or ".".join(parts[: depth + 1]) in OPEN_SECTIONS
        if free:
            node = node.setdefault(part, {})
        elif isinstance(node, dict) and part in node and isinstance(node[part], dict):
            node = node[part]
        else:
            raise ConfigError(f"{source}: {key} is not a setting (see the documented defaults)")
    if not (free or key in OPEN_SECTIONS or parts[-1] in node):
        raise ConfigError(f"{source}: {key} is not a setting (see the documented defaults)")
    node[parts[-1]] = value
