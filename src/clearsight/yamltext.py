"""YAML text parsed safely and quickly: libyaml's safe loader where PyYAML was built with it.

The catalogue, the code sets, the format specs and the configuration are all YAML; libyaml reads them
about ten times faster than the pure-Python loader, which matters because every command starts by
reading them. A leaf module: it imports nothing from clearsight.
"""

from __future__ import annotations

from typing import Any

import yaml

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(text: str) -> Any:
    """The YAML document in `text` (safe types only); raises yaml.YAMLError when it is not YAML."""
    return yaml.load(text, Loader=LOADER)
