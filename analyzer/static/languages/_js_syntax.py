"""JavaScript import syntax: what kind of import a statement is, and whether it imports types only.

Read by :func:`postprocess_import` (in the parse workers, for JavaScript, TypeScript, TSX and the
script blocks of Vue and Svelte components): ES ``import``/``export ... from``, CommonJS
``require('x')``, dynamic ``import('x')``, AMD ``define(['x'], f)`` / ``require(['x'], f)`` and
TypeScript ``import x = require('x')``; a module name built at run time becomes a ``computed`` import.
"""

from __future__ import annotations

from tree_sitter import Node

from analyzer.domain import ImportRef
from analyzer.static.languages.base import KIND_COMPUTED, call_arguments, computed_name, node_text


def postprocess_import(ref: ImportRef, stmt: Node) -> ImportRef | None:
    """Set ``kind`` (import, export, require, dynamic, amd) and ``type_only`` (``import type``).

    AMD dependency ids that name no module are dropped: ``require`` / ``exports`` /
    ``module`` (the CommonJS wrapper) and loader-plugin ids (``text!./tpl.html``).
    """
    if stmt.type == "call_expression":
        fn = stmt.child_by_field_name("function")
        if _is_amd(stmt):
            if ref.module in _AMD_SPECIAL or "!" in ref.module:
                return None
            return ImportRef(ref.path, ref.module, ref.names, ref.line, "amd")
        arguments = call_arguments(stmt)
        argument = arguments[0] if arguments else None
        if argument is not None and argument.type != "string" and not _is_literal_template(argument):
            return ImportRef(ref.path, computed_name(node_text(argument)), (), ref.line, KIND_COMPUTED)
        kind = "dynamic" if fn is not None and fn.type == "import" else "require"
        return ImportRef(ref.path, ref.module, ref.names, ref.line, kind)
    if stmt.type == "export_statement":
        return ImportRef(
            ref.path,
            ref.module,
            ref.names,
            ref.line,
            "export",
            _has_type_keyword(stmt) or _all_specifiers_typed(stmt, "export_clause"),
        )
    if any(c.type == "import_require_clause" for c in stmt.named_children):
        return ImportRef(ref.path, ref.module, ref.names, ref.line, "require")
    return ImportRef(
        ref.path,
        ref.module,
        ref.names,
        ref.line,
        "import",
        _has_type_keyword(stmt) or _all_specifiers_typed(stmt, "import_clause"),
    )


_AMD_SPECIAL = frozenset({"require", "exports", "module"})


def _is_literal_template(node: Node) -> bool:
    """A template literal without ``${...}``: a plain string in backquotes."""
    return node.type == "template_string" and not any(c.type == "template_substitution" for c in node.children)


def _is_amd(call: Node) -> bool:
    """``define([...], f)`` / ``require([...], f)``: a dependency array among the arguments."""
    args = call.child_by_field_name("arguments")
    return args is not None and any(a.type == "array" for a in args.named_children)


def _has_type_keyword(stmt: Node) -> bool:
    """``import type ...`` / ``export type ...``: the keyword is an unnamed child of the statement."""
    return any(not c.is_named and c.type in ("type", "typeof") for c in stmt.children)


def _all_specifiers_typed(stmt: Node, clause_type: str) -> bool:
    """``import { type A, type B } from`` (and nothing else imported) is type-only too."""
    clause = next((c for c in stmt.named_children if c.type == clause_type), None)
    if clause is None:
        return False
    if clause_type == "import_clause":
        if any(c.type != "named_imports" for c in clause.named_children):
            return False  # a default or namespace import is a value
        clause = next((c for c in clause.named_children if c.type == "named_imports"), None)
        if clause is None:
            return False
    specs = [c for c in clause.named_children if c.type in ("import_specifier", "export_specifier")]
    return bool(specs) and all(any(not g.is_named and g.type == "type" for g in s.children) for s in specs)
