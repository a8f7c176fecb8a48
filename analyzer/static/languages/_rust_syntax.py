"""Rust syntax around a ``use`` or ``mod``: the inline modules it sits in and the names in scope.

Read by :func:`analyzer.static.languages.rust.postprocess_import` (in the parse workers): a ``use`` path is
rewritten as seen from the file's own module (``self::``, ``super::`` and a first segment naming an
item or ``use`` binding in scope), and module declarations and ``use`` declarations inside macro
calls (tokio's ``cfg_rt! { mod rt; }``, ``cfg_net! { use x::Y; }``) are read from the macro's tokens.
"""

from __future__ import annotations

import re

import tree_sitter_rust
from tree_sitter import Language, Node, Parser

from analyzer.static.languages.base import node_text, strip_quotes

_SPACE = re.compile(r"\s+")


#: items a path can go through: a first segment naming one of these in scope is local
_PATH_ITEMS = frozenset({"mod_item", "enum_item", "struct_item", "union_item", "trait_item", "type_item"})
#: nodes whose direct children are the items and ``use`` bindings of one scope
_SCOPES = frozenset({"source_file", "declaration_list", "block"})
_RELATIVE_HEADS = frozenset({"self", "super", "crate", "$crate", ""})
#: the ``use`` list items imports.scm captures as names (a ``use_as_clause`` gives its path)
_LIST_ITEMS = frozenset(
    {"identifier", "self", "crate", "super", "scoped_identifier", "use_wildcard", "scoped_use_list", "use_as_clause"}
)
_WILDCARD_HEADS = frozenset({"identifier", "scoped_identifier", "crate", "super", "self"})
#: one parser per worker process, for the ``use`` declarations found in macro tokens
_PARSER: list[Parser] = []


def inline_chain(node: Node) -> list[str]:
    """Names of the inline modules (``mod a { ... }``) around ``node``, outermost first.

    Inside a macro call's tokens an inline module is ``mod`` + a name + a token tree.
    """
    chain: list[str] = []
    parent = node.parent
    while parent is not None:
        if parent.type == "mod_item" and parent.child_by_field_name("body") is not None:
            chain.append(node_text(parent.child_by_field_name("name")))
        elif parent.type == "token_tree":
            name = parent.prev_sibling
            keyword = name.prev_sibling if name is not None else None
            if name is not None and name.type == "identifier" and keyword is not None and keyword.type == "mod":
                chain.append(node_text(name))
        parent = parent.parent
    return chain[::-1]


def file_relative(module: str, stmt: Node, depth: int = 0) -> str:
    """A ``use`` path as seen from the file's own module rather than the inline module around it.

    ``self::x`` inside ``mod a { }`` is ``self::a::x``; ``super::x`` there is
    ``self::x``.  A first segment naming an item declared in an enclosing scope
    (``mod m { }``, ``mod m;``, an enum...) becomes ``self::<inline path>::m``;
    one naming a ``use`` binding (``use crate::a::chan; use chan::X;``) is
    replaced by the path that binding imports.  Other paths (``crate::``, extern
    crates) are returned as written.
    """
    segments = module.split("::")
    head = segments[0]
    chain = inline_chain(stmt)
    if head == "self":
        return "::".join(["self", *chain, *segments[1:]])
    if head == "super":
        ups = 0
        while ups < len(segments) and segments[ups] == "super":
            ups += 1
        if ups <= len(chain):
            return "::".join(["self", *chain[: len(chain) - ups], *segments[ups:]])
        return "::".join(["super"] * (ups - len(chain)) + segments[ups:])
    if head in _RELATIVE_HEADS or depth > 4:
        return module
    scope = stmt.parent
    while scope is not None:
        if scope.type in _SCOPES:
            found = _lookup(scope, head, stmt)
            if isinstance(found, Node):
                return "::".join(["self", *inline_chain(found), *segments])
            if found is not None:
                bound, binding = found
                return "::".join([file_relative(bound, binding, depth + 1), *segments[1:]])
        scope = scope.parent
    return module


def _lookup(scope: Node, name: str, stmt: Node) -> Node | tuple[str, Node] | None:
    """What ``name`` is among the direct children of ``scope``: an item, a ``use`` binding or nothing.

    An item is returned as its node; a binding as (the path it imports, its
    ``use`` declaration).  Module declarations inside macro calls (``cfg_x! {
    mod m; }``) count as items.
    """
    for child in scope.named_children:
        if child.type in _PATH_ITEMS:
            if node_text(child.child_by_field_name("name")) == name:
                return child
        elif child.type == "use_declaration" and child != stmt:
            bound = _binding(child.child_by_field_name("argument"), name, "")
            if bound is not None:
                return bound, child
        elif child.type in ("macro_invocation", "expression_statement") and _declares_module(child, name):
            return child
    return None


def _binding(node: Node | None, name: str, prefix: str) -> str | None:
    """The full path a ``use`` tree binds to ``name`` (``a::{b::c as name}`` -> ``a::b::c``)."""
    if node is None:
        return None
    kind = node.type
    if kind == "use_as_clause":
        alias = node_text(node.child_by_field_name("alias"))
        path = _SPACE.sub("", node_text(node.child_by_field_name("path")))
        return _join_path(prefix, path) if alias == name else None
    if kind == "scoped_use_list":
        inner = _join_path(prefix, _SPACE.sub("", node_text(node.child_by_field_name("path"))))
        return _binding(node.child_by_field_name("list"), name, inner)
    if kind == "use_list":
        for item in node.named_children:
            if item.type == "self" and prefix.rsplit("::", 1)[-1] == name:
                return prefix
            found = _binding(item, name, prefix)
            if found is not None:
                return found
        return None
    if kind in ("identifier", "scoped_identifier"):
        path = _SPACE.sub("", node_text(node))
        if path.rsplit("::", 1)[-1] == name:
            return _join_path(prefix, path)
    return None


def _join_path(prefix: str, path: str) -> str:
    return f"{prefix}::{path}" if prefix else path


def _declares_module(node: Node, name: str) -> bool:
    """Whether a macro call's token trees hold ``mod <name>`` (tokio's ``cfg_rt! { mod rt; }``)."""
    stack = [node]
    while stack:
        current = stack.pop()
        previous = ""
        for child in current.children:
            if child.type == "token_tree" or child.type == "macro_invocation":
                stack.append(child)
            elif previous == "mod" and child.type == "identifier" and node_text(child) == name:
                return True
            previous = child.type
    return False


def in_macro_definition(node: Node) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.type == "macro_definition":
            return True
        parent = parent.parent
    return False


def path_tokens(name: Node) -> str | None:
    """``#[path = "x.rs"]`` among the tokens before ``mod <name>`` in a macro call's token tree."""
    token = name.prev_sibling  # the `mod` keyword
    token = token.prev_sibling if token is not None else None
    while token is not None:
        if token.type == "token_tree" and node_text(token).startswith("["):
            parts = [c for c in token.named_children]
            if len(parts) == 2 and node_text(parts[0]) == "path" and parts[1].type == "string_literal":
                return strip_quotes(node_text(parts[1]))
        elif token.type not in ("#", "pub", "token_tree", "crate", "in", "super", "self"):
            return None  # the end of the previous item
        token = token.prev_sibling
    return None


def macro_use(keyword: Node) -> tuple[str, list[str]] | None:
    """Module and names of a ``use`` among a macro call's tokens (``cfg_net! { use a::{B, C}; }``).

    tree-sitter leaves a macro call's body as flat tokens, so the tokens from
    ``use`` to the next ``;`` of the same token tree are parsed again as a use
    declaration and read the way imports.scm reads one (``a``, ``[B, C]``; a glob
    gives ``*``).  None when there is no ``;`` or the tokens are no use
    declaration (a quasi-quote's ``#name``).
    """
    tokens = [b"use"]
    token = keyword.next_sibling
    while token is not None and token.type != ";":
        tokens.append(token.text or b"")
        token = token.next_sibling
    if token is None:
        return None
    if not _PARSER:
        _PARSER.append(Parser(Language(tree_sitter_rust.language())))
    root = _PARSER[0].parse(b" ".join(tokens) + b";").root_node
    declaration = root.named_children[0] if root.named_child_count == 1 else None
    if root.has_error or declaration is None or declaration.type != "use_declaration":
        return None
    argument = declaration.child_by_field_name("argument")
    return _use_parts(argument) if argument is not None else None


def _use_parts(argument: Node) -> tuple[str, list[str]] | None:
    """(module, names) of a use declaration's argument, as the patterns of imports.scm capture them."""
    kind = argument.type
    path = argument.child_by_field_name("path")
    if kind == "scoped_use_list":
        items = argument.child_by_field_name("list")
        if path is None or items is None:
            return None
        names = [
            node_text(item.child_by_field_name("path")) if item.type == "use_as_clause" else node_text(item)
            for item in items.named_children
            if item.type in _LIST_ITEMS
        ]
        return node_text(path), names
    if kind == "use_as_clause" and path is not None:
        argument, kind = path, path.type
        path = argument.child_by_field_name("path")
    if kind == "scoped_identifier" and path is not None:
        return node_text(path), [node_text(argument.child_by_field_name("name"))]
    if kind == "identifier":
        return node_text(argument), []
    if kind == "use_wildcard":
        head = next((c for c in argument.named_children if c.type in _WILDCARD_HEADS), None)
        return (node_text(head), ["*"]) if head is not None else None
    return None
