"""Parse stage: SourceFile -> ParsedFile (symbols, imports, references, diagnostics).

Every per-file problem (unreadable, undecodable, syntax errors) becomes a
:class:`Diagnostic`; nothing here raises for a bad file.  Work is spread over
processes; results are cached on disk keyed by path + content digest + query
fingerprint (see ``parse_cache.py``).
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from pathlib import Path
from typing import Any

from tree_sitter import Node, Parser, QueryCursor, Range

from analyzer.config import Settings
from analyzer.domain import Diagnostic, ImportRef, ParsedFile, Reference, SourceFile, Symbol
from analyzer.static import _codec
from analyzer.static.languages import call_arguments, node_text, registry, strip_quotes, ts_language
from analyzer.static.parse_cache import ParseCache
from analyzer.static.queries import (
    IMPORT_MODULE,
    IMPORT_NAME,
    IMPORT_STATEMENT,
    NAME,
    PatternRole,
    compiled_queries,
    queries_fingerprint,
)

#: definitions that can own methods (used to fill Symbol.parent)
_CONTAINER_KINDS = frozenset({"class", "interface", "struct", "enum", "trait", "module"})
_BATCH = 64
_READ_FAILURE = "cannot read file: "
_MAX_QUERY_DEPTH = 1000
#: one parser per language and process (a parse without an old tree keeps no state)
_PARSERS: dict[str, Parser] = {}


def parse_files(
    files: Iterable[SourceFile],
    settings: Settings,
    on_progress: Callable[[int, int], None] | None = None,
) -> tuple[ParsedFile, ...]:
    """Parse every file, using the on-disk cache and all cores.

    Args:
        files: files from discovery.
        settings: run settings (root, jobs, cache).
        on_progress: called with (done, total) as files complete.

    Returns:
        ParsedFile values sorted by path.
    """
    todo = sorted(files, key=lambda f: f.path)
    total = len(todo)
    cache = ParseCache.open(settings, queries_fingerprint()) if settings.use_cache else None
    results: dict[str, ParsedFile] = {}
    missing: list[SourceFile] = []
    for f in todo:
        hit = cache.get(f) if cache else None
        if hit is not None:
            results[f.path] = hit
        else:
            missing.append(f)
    done = len(results)
    if on_progress:
        on_progress(done, total)
    root = str(settings.root)
    jobs = min(settings.effective_jobs, max(1, len(missing) // _BATCH))
    batches = [missing[i : i + _BATCH] for i in range(0, len(missing), _BATCH)]
    pool = None
    outputs: Iterable[tuple[bytes | None, list[ParsedFile]]]
    if jobs <= 1:
        outputs = ((None, parse_batch(root, b)) for b in batches)
    else:
        # workers pickle their batch once; the same bytes are unpickled here and cached as they are
        pool = ProcessPoolExecutor(max_workers=jobs)
        outputs = (
            (blob, _codec.loads(blob)) for blob in pool.map(_parse_batch_pickled, [root] * len(batches), batches)
        )
    try:
        for blob, out in outputs:
            for parsed in out:
                results[parsed.path] = parsed
            if cache is not None:
                # a read failure may be transient (the bytes discovery hashed are back): never cache it
                cache.add(blob if blob is not None else _codec.dumps(out), out, lambda p: not is_read_failure(p))
            done += len(out)
            if on_progress:
                on_progress(done, total)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    if cache is not None:
        cache.save()
    return tuple(results[f.path] for f in todo)


def parse_batch(root: str, files: list[SourceFile]) -> list[ParsedFile]:
    """Parse a batch of files in one worker (module-level so it pickles)."""
    base = Path(root)
    return [parse_file(f, _read(base / f.path)) for f in files]


def _parse_batch_pickled(root: str, files: list[SourceFile]) -> bytes:
    """:func:`parse_batch`, pickled in the worker (see ``_codec.dumps``)."""
    return _codec.dumps(parse_batch(root, files))


def parse_file(source: SourceFile, data: bytes | OSError) -> ParsedFile:
    """Parse one file's bytes (or the OSError reading it produced)."""
    if isinstance(data, OSError):
        return _failed(source, f"{_READ_FAILURE}{data.strerror or data}")
    text, diags = _decode(source.path, data)
    spec = registry()[source.language]
    ranges = spec.source_ranges(text) if spec.source_ranges is not None else None
    if ranges is not None and not ranges:  # nothing in the file is code (a template-only component)
        return ParsedFile(
            source=source,
            loc=_count_loc(text),
            symbols=(),
            imports=(),
            references=(),
            diagnostics=tuple(sorted(diags, key=Diagnostic.sort_key)),
        )
    try:
        parser = _PARSERS.get(source.language)
        if parser is None:
            parser = _PARSERS[source.language] = Parser(ts_language(source.language))
        if ranges is not None:
            parser.included_ranges = [Range(_point(text, a), _point(text, b), a, b) for a, b in ranges]
        tree = parser.parse(text)
    except (ValueError, RuntimeError) as e:  # tree-sitter signals failure with these
        return _failed(source, f"parser failed: {e}")
    root = tree.root_node
    if root.has_error:
        diags.append(
            Diagnostic(
                source.path, _first_error_line(root), "warning", "syntax errors: results for this file may be partial"
            )
        )
    symbols, references, imports, namespace = _extract(source, root)
    facts = spec.type_facts(root) if spec.type_facts is not None else ()
    if facts and spec.imports_from_facts is not None:
        imports = spec.imports_from_facts(imports, facts)
    loc = _count_loc(text)
    return ParsedFile(
        source=source,
        loc=loc,
        symbols=symbols,
        imports=imports,
        references=references,
        namespace=namespace,
        diagnostics=tuple(sorted(diags, key=Diagnostic.sort_key)),
        facts=facts,
    )


# --- helpers ----------------------------------------------------------------


def _point(text: bytes, offset: int) -> tuple[int, int]:
    """(row, byte column) of a byte offset."""
    return text.count(b"\n", 0, offset), offset - (text.rfind(b"\n", 0, offset) + 1)


def _count_loc(text: bytes) -> int:
    """Non-blank lines."""
    return sum(map(bool, map(bytes.strip, text.splitlines())))


def _read(path: Path) -> bytes | OSError:
    """Read a regular file; anything else (a FIFO or device swapped in since discovery) is an error.

    Opened non-blocking so that a FIFO cannot hang the run.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as e:
        return e
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return OSError(errno.EINVAL, "not a regular file", str(path))
        with os.fdopen(fd, "rb", closefd=False) as fh:
            return fh.read()
    except OSError as e:
        return e
    finally:
        os.close(fd)


def is_read_failure(parsed: ParsedFile) -> bool:
    """True when the file could not be read (possibly transient: such results are never cached)."""
    return any(d.message.startswith(_READ_FAILURE) for d in parsed.diagnostics)


def _failed(source: SourceFile, message: str) -> ParsedFile:
    return ParsedFile(
        source=source,
        loc=0,
        symbols=(),
        imports=(),
        references=(),
        diagnostics=(Diagnostic(source.path, 0, "error", message),),
    )


def _decode(path: str, data: bytes) -> tuple[bytes, list[Diagnostic]]:
    """Return UTF-8 bytes for the parser, with a diagnostic when they had to be repaired."""
    diags: list[Diagnostic] = []
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            data = data.decode("utf-16").encode("utf-8")
            diags.append(Diagnostic(path, 0, "info", "UTF-16 file converted to UTF-8"))
        except UnicodeDecodeError:
            diags.append(Diagnostic(path, 0, "warning", "invalid UTF-16; parsed as bytes"))
        return data, diags
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        diags.append(Diagnostic(path, line, "warning", "invalid UTF-8; undecodable bytes replaced"))
        data = data.decode("utf-8", errors="replace").encode("utf-8")
    if b"\x00" in data:
        diags.append(Diagnostic(path, data.count(b"\n", 0, data.index(b"\x00")) + 1, "warning", "NUL bytes in source"))
    return data, diags


def _first_error_line(root: Node) -> int:
    stack = [root]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            return node.start_point[0] + 1
        if node.has_error:
            stack.extend(reversed(node.children))
    return 0


def _extract(
    source: SourceFile, root: Node
) -> tuple[tuple[Symbol, ...], tuple[Reference, ...], tuple[ImportRef, ...], str]:
    """Run the combined tags + imports query once and sort what it yields.

    This loop runs once per match (about 100 per file): it reads each pattern's
    role from a table instead of scanning the capture names, keeps raw bytes as
    keys and decodes each distinct name once.
    """
    q = compiled_queries(source.language)
    roles = q.roles
    path = source.path
    import_calls = _import_call_names(source.language)
    defs: list[tuple[int, int, Symbol]] = []
    # (raw name, kind) -> [first start byte, its name node, count]; lines and decoded
    # names are computed once per distinct key below, not once per use
    raw_refs: dict[tuple[bytes, str], list[Any]] = {}
    statements: dict[tuple[int, int], tuple[Node, list[str], list[str]]] = {}
    namespace = ""
    cursor = QueryCursor(q.combined)
    # tree-sitter's query cursor slows down super-linearly in pathologically deep trees
    # (50,000 nested calls: minutes); no real definition or import starts this deep
    cursor.set_max_start_depth(_MAX_QUERY_DEPTH)
    for index, caps in cursor.matches(root):
        role = roles[index]
        what = role.role
        if what == "reference":
            _count_reference(caps, role, import_calls, raw_refs, statements)
        elif what == "definition":
            found = _definition(caps, role, path)
            if found is not None:
                defs.append(found)
                if role.kind == "module" and not namespace:
                    namespace = found[2].name
        elif what == "import":
            _collect_import(caps, statements)
    symbols = _with_parents(defs)
    references = _references(path, raw_refs)
    imports = _build_imports(source, statements)
    return symbols, references, imports, namespace


def _count_reference(
    caps: dict[str, list[Node]],
    role: PatternRole,
    import_calls: frozenset[bytes],
    raw_refs: dict[tuple[bytes, str], list[Any]],
    statements: dict[tuple[int, int], tuple[Node, list[str], list[str]]],
) -> None:
    """Count one reference match under its raw name, keeping its earliest name node.

    A call of an ``import_calls`` name is also collected as an import statement.
    """
    names = caps.get(NAME)
    if not names:
        return
    name_node = names[0]
    raw = name_node.text
    if not raw:
        return
    if raw in import_calls:
        _collect_import_call(caps.get(role.capture), statements)
    key = (raw, role.kind)
    entry = raw_refs.get(key)
    if entry is None:
        raw_refs[key] = [name_node.start_byte, name_node, 1]
    else:
        entry[2] += 1
        start = name_node.start_byte
        if start < entry[0]:
            entry[0], entry[1] = start, name_node


def _definition(caps: dict[str, list[Node]], role: PatternRole, path: str) -> tuple[int, int, Symbol] | None:
    """(start byte, end byte, Symbol) of one definition match; None without a name or a node."""
    names = caps.get(NAME)
    if not names:
        return None
    raw = names[0].text
    name = raw.decode("utf-8", "replace").strip() if raw else ""
    if not name:
        return None
    nodes = caps.get(role.capture)
    if not nodes:
        return None
    node = nodes[0]
    return node.start_byte, node.end_byte, Symbol(name, role.kind, path, node.start_point[0] + 1)


def _references(path: str, raw_refs: dict[tuple[bytes, str], list[Any]]) -> tuple[Reference, ...]:
    """One Reference per (decoded name, kind): first line and number of uses."""
    merged: dict[tuple[str, str], list[Any]] = {}
    for (raw, kind), (start, node, count) in raw_refs.items():
        name = raw.decode("utf-8", "replace").strip()
        if not name:
            continue
        key = (name, kind)
        entry = merged.get(key)
        if entry is None:
            merged[key] = [start, node, count]
        else:
            entry[2] += count
            if start < entry[0]:
                entry[0], entry[1] = start, node
    return tuple(
        sorted(
            (Reference(path, n, k, v[1].start_point[0] + 1, v[2]) for (n, k), v in merged.items()),
            key=Reference.sort_key,
        )
    )


@cache
def _import_call_names(language: str) -> frozenset[bytes]:
    return frozenset(name.encode() for name in registry()[language].import_calls)


def _collect_import_call(
    nodes: list[Node] | None, statements: dict[tuple[int, int], tuple[Node, list[str], list[str]]]
) -> None:
    """A call of an ``import_calls`` name, as an import statement: the call and its first argument."""
    if not nodes:
        return
    call = nodes[0]
    arguments = call_arguments(call)
    if not arguments:
        return
    entry = statements.setdefault((call.start_byte, call.end_byte), (call, [], []))
    text = node_text(arguments[0])
    if text not in entry[1]:
        entry[1].append(text)


def _collect_import(
    caps: dict[str, list[Node]], statements: dict[tuple[int, int], tuple[Node, list[str], list[str]]]
) -> None:
    stmts = caps.get(IMPORT_STATEMENT)
    if not stmts:
        return
    stmt = stmts[0]
    entry = statements.setdefault((stmt.start_byte, stmt.end_byte), (stmt, [], []))
    for node in caps.get(IMPORT_MODULE, ()):
        text = strip_quotes(node_text(node).strip())
        if text and text not in entry[1]:
            entry[1].append(text)
    for node in caps.get(IMPORT_NAME, ()):
        text = node_text(node).strip()
        if text and text not in entry[2]:
            entry[2].append(text)


def _with_parents(defs: list[tuple[int, int, Symbol]]) -> tuple[Symbol, ...]:
    """Fill Symbol.parent with the innermost enclosing container definition.

    A node matched both as a function and as a method (a ``def`` inside a class
    matches both patterns) is kept once, as a method.
    """
    methods = {(start, end, sym.name) for start, end, sym in defs if sym.kind == "method"}
    if methods:
        defs = [d for d in defs if not (d[2].kind == "function" and (d[0], d[1], d[2].name) in methods)]
    defs.sort(key=lambda d: (d[0], -d[1]))
    out: set[Symbol] = set()
    stack: list[tuple[int, int, Symbol]] = []
    for start, end, sym in defs:
        while stack and stack[-1][1] <= start:
            stack.pop()
        parent = ""
        for s_start, s_end, s_sym in reversed(stack):
            if s_sym.kind in _CONTAINER_KINDS and s_sym.kind != "module" and (s_start, s_end) != (start, end):
                parent = s_sym.name
                break
        out.add(Symbol(sym.name, sym.kind, sym.path, sym.line, parent))
        stack.append((start, end, sym))
    return tuple(sorted(out, key=Symbol.sort_key))


def _build_imports(
    source: SourceFile, statements: dict[tuple[int, int], tuple[Node, list[str], list[str]]]
) -> tuple[ImportRef, ...]:
    spec = registry()[source.language]
    refs: set[ImportRef] = set()
    for stmt, modules, names in statements.values():
        line = stmt.start_point[0] + 1
        for module in modules:
            ref = spec.postprocess_import(ImportRef(source.path, module, tuple(sorted(names)), line), stmt)
            if ref is not None:
                refs.add(ref)
    return tuple(sorted(refs, key=ImportRef.sort_key))
