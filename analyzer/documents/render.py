"""Documents and their two renderings: Markdown for people, JSON for machines.

A :class:`Document` is an ordered list of :class:`Section` values plus the machine-readable data
behind them.
"""

from __future__ import annotations

import json
import json.encoder
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Section:
    """One titled part of a document (``body`` is Markdown).

    ``by`` says who wrote it: ``"analyzer"`` (computed) or ``"model"``; a model's section
    has a ``status`` (``"published"`` or ``"withheld"``) and, when withheld, the ``reason``.
    ``level`` is the Markdown heading level (3: a subsection of the section before it).
    """

    key: str
    title: str
    body: str
    by: str = "analyzer"
    status: str = ""
    reason: str = ""
    level: int = 2


@dataclass(frozen=True)
class Document:
    """A report or plan: sections for people, data for machines."""

    kind: str  # "report" | "plan"
    title: str
    sections: tuple[Section, ...]
    data: Mapping[str, Any] = field(default_factory=dict)


def render_markdown(doc: Document) -> str:
    """The document as Markdown (deterministic)."""
    parts = [f"# {doc.title}\n"]
    for s in doc.sections:
        parts.append(f"{'#' * s.level} {s.title}\n\n{s.body.strip()}\n")
    return "\n".join(parts)


def render_json(doc: Document) -> str:
    """The document as JSON: kind, title, sections and data."""
    payload = {
        "kind": doc.kind,
        "title": doc.title,
        "sections": [_section_json(s) for s in doc.sections],
        **doc.data,
    }
    return json.dumps(payload, indent=2, sort_keys=False, ensure_ascii=False) + "\n"


def json_lines(data: Mapping[str, Any]) -> str:
    """``data`` as JSON with one line per top-level key and per element of a top-level list.

    As readable and diff-friendly as an indented dump for record lists (files, edges),
    and encoded by the json module's C encoder (an indented dump runs the pure-Python
    one: about 10 times slower on a large repository).
    """
    encode = _fast_encoder()
    lines = ["{"]
    last = len(data) - 1
    for i, (key, value) in enumerate(data.items()):
        comma = "," if i < last else ""
        if isinstance(value, list) and value:
            lines.append(f" {encode(key)}: [")
            lines.append(",\n".join("  " + encode(item) for item in value))
            lines.append(f" ]{comma}")
        else:
            lines.append(f" {encode(key)}: {encode(value)}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _fast_encoder() -> Callable[[Any], str]:
    """A compact JSON encoder (non-ASCII kept) built once, not once per value.

    ``JSONEncoder.encode`` builds a new C encoder on every call, which costs more than
    encoding one small record; the C encoder itself is reused when this build has it.
    """
    encoder = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": "))
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return encoder.encode
    try:
        c_encode = make(None, encoder.default, json.encoder.encode_basestring, None, ": ", ", ", False, False, True)
    except TypeError:  # another signature: use the public path
        return encoder.encode
    return lambda value: "".join(c_encode(value, 0))


def _section_json(s: Section) -> dict[str, str]:
    data = {"key": s.key, "title": s.title, "markdown": s.body, "by": s.by}
    if s.by == "model":
        data.update(status=s.status, reason=s.reason)
    return data
