"""Command line: arguments, rich consoles and exit codes. The only module that prints or exits.

Exit codes (documented in the README):
    0  success (and, with --check, every rule holds)
    1  --check found violations of the rules; or another analyzer error
    2  usage error (bad options), or a bad --check rules file (file:line and what is wrong)
    3  input path error (missing, not a directory, no supported source files)
    4  output path error (not writable, a directory)
    5  model error (missing, not GGUF, truncated, too large for memory)
    6  context error (the prompt cannot fit the context window)
    7  generation error (model or server failed while generating)
    70 a tree-sitter query does not compile (broken installation)
    130 interrupted (Ctrl-C); nothing half-written is left behind
"""

from __future__ import annotations

import argparse
import gc
import io
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from analyzer import __version__
from analyzer.config import Settings
from analyzer.errors import AnalyzerError, ConfigError

if TYPE_CHECKING:
    from analyzer.pipeline import StaticAnalysis

EXIT_OK = 0
EXIT_VIOLATIONS = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise ConfigError(f"{self.prog}: {message}")


def build_parser() -> argparse.ArgumentParser:
    """The ``analyze`` argument parser."""
    p = _Parser(prog="analyze", description="Offline architecture analysis of a code repository.")
    p.add_argument("path", type=Path, help="repository root to analyze")
    _add_output_arguments(p)
    _add_rules_arguments(p)
    _add_model_arguments(p)
    _add_server_arguments(p)
    _add_scan_arguments(p)
    p.add_argument("--verbose", action="store_true", help="print each step instead of a progress bar")
    p.add_argument("--debug", action="store_true", help="show tracebacks")
    p.add_argument("--version", action="version", version=f"analyze {__version__}")
    return p


def _add_output_arguments(p: argparse.ArgumentParser) -> None:
    out = p.add_argument_group("outputs")
    out.add_argument("--report", type=Path, metavar="FILE", help="write the architecture report")
    out.add_argument("--plan", type=Path, metavar="FILE", help="write a migration plan")
    out.add_argument(
        "--target",
        default="microservices",
        help='migration target for --plan: "microservices", "modular monolith" or free text',
    )
    out.add_argument("--json", type=Path, metavar="FILE", help="write the graph and every analysis as JSON")
    out.add_argument("--graph", type=Path, metavar="FILE", help="export the graph (.graphml, .dot or .mmd)")
    out.add_argument(
        "--context", metavar="FILE", help="write the repository context the model would read ('-' for stdout)"
    )
    out.add_argument("--format", choices=("md", "json"), default="md", help="format of --report/--plan")
    out.add_argument("--no-llm", action="store_true", help="deterministic parts only; load no model")


def _add_model_arguments(p: argparse.ArgumentParser) -> None:
    m = p.add_argument_group("model")
    m.add_argument("--model", type=Path, help="GGUF model file (default: $ANALYZER_MODEL or the installed default)")
    m.add_argument("--gpu-layers", type=int, default=None, help="layers to offload (default: all if supported)")
    m.add_argument("--ctx", type=int, default=None, help="context window in tokens")
    m.add_argument("--threads", type=int, default=None, help="CPU threads for inference")
    m.add_argument("--kv-type", choices=("f16", "q8_0", "q4_0"), default="f16", help="KV cache type")
    m.add_argument("--max-tokens", type=int, default=None, help="output tokens per generation pass")
    m.add_argument(
        "--temperature", type=float, default=None, help="sampling temperature (default 0: greedy, deterministic)"
    )
    m.add_argument(
        "--repeat-penalty",
        type=float,
        default=None,
        help="penalty on tokens already in the whole answer (default 1.3 under 1B parameters, else 1.1; 1 = off)",
    )
    m.add_argument("--budget", type=int, default=None, help="token budget of the repository context")
    m.add_argument("--prompt", choices=("pro", "basic"), default="pro", help="prompt template")
    m.add_argument("--prompt-file", type=Path, help="your own prompt template")
    m.add_argument("--goal", default="", help="extra project-specific requirements for the model")
    m.add_argument("--keep-reasoning", action="store_true", help="append the model's reasoning to the report")
    m.add_argument(
        "--free-form",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="also (or never) ask for the free-form sections (default: only models of 7B+ parameters and --server)",
    )


def _add_scan_arguments(p: argparse.ArgumentParser) -> None:
    s = p.add_argument_group("scan")
    s.add_argument("--include", action="append", default=[], metavar="GLOB", help="only files matching")
    s.add_argument("--exclude", action="append", default=[], metavar="GLOB", help="skip files matching")
    s.add_argument("--no-default-excludes", action="store_true", help="also scan vendored/generated trees")
    s.add_argument("--max-file-bytes", type=int, default=2_000_000, help="skip larger files")
    s.add_argument("--jobs", type=int, default=0, help="parse processes (default: all cores)")
    s.add_argument("--no-cache", action="store_true", help="do not read or write the parse cache")
    s.add_argument("--no-git", action="store_true", help="do not read git history for hotspots")
    _add_ignore_arguments(s)


def _add_ignore_arguments(s: argparse._ArgumentGroup) -> None:
    ignore = s.add_mutually_exclusive_group()
    ignore.add_argument(
        "--ignore",
        dest="ignore_files",
        action="store_const",
        const=True,
        default=None,
        help="apply .gitignore files even outside a git work tree",
    )
    ignore.add_argument(
        "--no-ignore",
        dest="ignore_files",
        action="store_const",
        const=False,
        help="do not apply .gitignore files (default: applied inside a git work tree only)",
    )


def _add_server_arguments(p: argparse.ArgumentParser) -> None:
    srv = p.add_argument_group("server")
    srv.add_argument("--server", metavar="URL", help="OpenAI-compatible server instead of a local model")
    srv.add_argument(
        "--server-model",
        metavar="NAME",
        help="the served model to use, by its /v1/models id (default: the first the server lists)",
    )
    srv.add_argument(
        "--api-key-env",
        metavar="NAME",
        help="environment variable holding the --server API key, sent as a Bearer token (default: OPENAI_API_KEY)",
    )
    srv.add_argument(
        "--allow-http",
        action="store_true",
        help="allow --server over plain http to a host that is not loopback (the context travels in clear text)",
    )


def _add_rules_arguments(p: argparse.ArgumentParser) -> None:
    rules = p.add_argument_group("architecture rules")
    rules.add_argument("--check", type=Path, metavar="RULES", help="check the rules file; exit 1 on a violation")
    rules.add_argument("--check-format", choices=("table", "json", "sarif"), default="table", help="format of --check")
    rules.add_argument("--check-out", type=Path, metavar="FILE", help="write the --check result here, not to stdout")
    rules.add_argument(
        "--rules-out", type=Path, metavar="FILE", help="with --plan: write its boundaries as a rules file for --check"
    )


def build_models_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="analyze models", description="List GGUF models found on this machine.")
    p.add_argument("--dir", type=Path, action="append", default=[], help="also search this folder")
    p.add_argument("--debug", action="store_true")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``analyze``; returns the exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    out = Console(soft_wrap=True)
    err = Console(stderr=True)
    debug = "--debug" in args_list
    try:
        if args_list[:1] == ["models"]:
            return _cmd_models(build_models_parser().parse_args(args_list[1:]), out)
        args = build_parser().parse_args(args_list)
        return _cmd_analyze(args, out, err)
    except KeyboardInterrupt:
        err.print("[red]interrupted[/]; no partial output was written", soft_wrap=True)
        return EXIT_INTERRUPTED
    except AnalyzerError as e:
        if debug:
            raise
        err.print(f"[red]error:[/] {escape(str(e))}", highlight=False, soft_wrap=True)  # one line
        return e.exit_code


def _settings(args: argparse.Namespace) -> Settings:
    outputs = tuple(
        Path(p) for p in (args.report, args.plan, args.json, args.graph, args.rules_out, args.check_out) if p
    )
    if args.context and args.context != "-":
        outputs += (Path(args.context),)
    return Settings(
        root=args.path,
        include=tuple(args.include),
        exclude=tuple(args.exclude),
        use_default_excludes=not args.no_default_excludes,
        max_file_bytes=args.max_file_bytes,
        jobs=args.jobs,
        use_cache=not args.no_cache,
        use_git_history=not args.no_git,
        use_ignore_files=args.ignore_files,
        output_paths=outputs,
    ).validate()


def _progress(err: Console, verbose: bool) -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=verbose or not err.is_terminal,
    )


def _cmd_analyze(args: argparse.Namespace, out: Console, err: Console) -> int:
    from analyzer import pipeline
    from analyzer.rules import load_rules

    settings = _settings(args)
    outputs = _check_outputs(args)
    if not outputs and not args.context and not args.check:
        raise ConfigError("nothing to do: give --report, --plan, --json, --graph, --context or --check")
    if args.rules_out and not args.plan:
        raise ConfigError("--rules-out writes the plan's boundaries: give --plan too")
    if args.check_out and not args.check:
        raise ConfigError("--check-out needs --check")
    rules = load_rules(args.check) if args.check else None  # a bad rules file fails before the analysis
    static = _analyze_static(settings, args, err)
    timing = ", ".join(f"{name} {secs:.2f}s" for name, secs in static.timings)
    cycles = len(static.analysis.cycles)
    err.print(
        f"analyzed {len(static.parsed)} files, {len(static.resolution.dependencies)} edges, "
        f"{cycles} {'cycle' if cycles == 1 else 'cycles'} ({timing})",
        highlight=False,
    )
    request = pipeline.OutputRequest(
        report=args.report,
        plan=args.plan,
        json=args.json,
        graph=args.graph,
        context=args.context,
        format=args.format,
        no_llm=args.no_llm,
        target=args.target,
        budget=args.budget,
        rules_out=args.rules_out,
        rules=rules,
    )
    written = pipeline.write_static_outputs(static, request) if outputs else []
    model_context = None
    if not args.no_llm and (args.report or args.plan):
        paths, model_context = _model_outputs(static, request, args, err)
        written += paths
    if args.context:
        written += _context_output(static, request, args, model_context)
    for path in written:
        err.print(f"wrote {escape(str(path))}", highlight=False, soft_wrap=True)
    if rules is not None:
        return _check_rules(static, rules, args, out, err)
    return EXIT_OK


def _check_rules(static, rules, args: argparse.Namespace, out: Console, err: Console) -> int:
    """--check: the violations as a table (or JSON / SARIF, to stdout or --check-out); 1 when there are any."""
    from rich.table import Table

    from analyzer import pipeline
    from analyzer.documents.output import write_atomic
    from analyzer.rules import TABLE_COLUMNS, check_json, check_sarif, summary, table_rows

    result = pipeline.check_rules(static, rules)
    line = summary(result)
    if args.check_format == "table":  # to a file: the same table, recorded as plain text
        console = Console(file=io.StringIO(), width=200, record=True) if args.check_out else out
        if result.violations:
            table = Table(*TABLE_COLUMNS, title="architecture rule violations")
            for column in table.columns:
                column.overflow = "fold"  # paths whole, never cut with an ellipsis
            for row in table_rows(result):
                table.add_row(*(escape(cell) for cell in row))
            console.print(table)
        console.print(escape(line), highlight=False, soft_wrap=True)
        text = console.export_text() if args.check_out else ""
    else:
        text = check_json(result) if args.check_format == "json" else check_sarif(result, __version__)
        err.print(escape(line), highlight=False, soft_wrap=True)
    if args.check_out:
        write_atomic(args.check_out, text)
        err.print(f"wrote {escape(str(args.check_out))}", highlight=False, soft_wrap=True)
    elif text:
        sys.stdout.write(text)
        sys.stdout.flush()
    return EXIT_VIOLATIONS if result.violations else EXIT_OK


def _check_outputs(args: argparse.Namespace) -> list[Path]:
    """Fail before analyzing anything on an unknown --graph format or an output that cannot be written.

    Returns the output files asked for (--report, --plan, --json, --graph; not --context).
    """
    from analyzer.documents.output import check_writable

    if args.graph:
        from analyzer.documents.graph_export import FORMATS

        if args.graph.suffix.lower() not in FORMATS:  # fail before writing anything
            raise ConfigError(
                f"--graph: unknown format {args.graph.suffix or '(none)'}; use one of {', '.join(FORMATS)}"
            )
    outputs = [p for p in (args.report, args.plan, args.json, args.graph, args.rules_out) if p]
    extra = [Path(args.context)] if args.context and args.context != "-" else []
    for path in [*outputs, *extra, *([args.check_out] if args.check_out else [])]:
        check_writable(path)
    return outputs


def _analyze_static(settings: Settings, args: argparse.Namespace, err: Console) -> StaticAnalysis:
    """The static analysis, with a progress bar (or one line per finished stage with --verbose)."""
    from analyzer import pipeline

    with _progress(err, args.verbose) as progress:
        tasks: dict[str, TaskID] = {}

        def on_progress(stage: str, done: int, total: int) -> None:
            if args.verbose:
                if total and done == total:
                    err.print(f"{stage}: {done}/{total}")
                return
            if stage not in tasks:
                tasks[stage] = progress.add_task(stage, total=total or None)
            progress.update(tasks[stage], completed=done, total=total or None)

        # the pass's values live until this process exits: keep the collector off during the
        # pass, then move them to the permanent generation so that no collection rescans them
        # (on Django the first one would cost about 70 ms); a library caller keeps the default
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            static = pipeline.analyze_static(settings, on_progress)
            gc.freeze()
        finally:
            if was_enabled:
                gc.enable()
    return static


def _model_outputs(static, request, args: argparse.Namespace, err: Console) -> tuple[list[Path], object]:
    from analyzer import pipeline
    from analyzer.model import passes
    from analyzer.model.generator import RuntimeOptions
    from analyzer.model.llama import LlamaCppGenerator
    from analyzer.model.prompt import load_prompt
    from analyzer.model.structured import choose_free_form

    settings = static.settings
    options = RuntimeOptions(
        model_path=args.model,
        n_ctx=args.ctx,
        n_gpu_layers=args.gpu_layers,
        threads=args.threads,
        kv_type=args.kv_type,
        **{
            k: v
            for k, v in (("temperature", args.temperature), ("repeat_penalty", args.repeat_penalty))
            if v is not None
        },
        kv_cache_dir=settings.cache_dir / "kv" if settings.use_cache else None,
    ).validate()
    template = load_prompt(args.prompt_file if args.prompt_file else args.prompt)
    factory = (lambda: _server_generator(args, options)) if args.server else (lambda: LlamaCppGenerator(options))
    with factory() as generator:
        free_form = choose_free_form(args.free_form, 0 if args.server else generator.header.parameters, args.server)
        run = pipeline.ModelRun(
            passes.AuthorOptions(template, args.goal, args.max_tokens or 1024, args.budget),
            args.keep_reasoning,
            *free_form,
        )
        for line in (*generator.describe_choices(), free_form[1]):  # the model file's line starts with "model: "
            err.print(f"[dim]model:[/] {escape(line.removeprefix('model: '))}", highlight=False, soft_wrap=True)
        with _progress(err, args.verbose) as progress:
            current: list[TaskID] = []
            generated = [0]
            started = [0.0]

            def on_event(event: str, detail: str, done: int, total: int) -> None:
                if event == "pass":
                    if args.verbose or not err.is_terminal:
                        err.print(f"pass: {escape(detail)}", highlight=False)
                    current[:] = [progress.add_task(f"{detail}: prompt", total=None)]
                    generated[0] = 0
                    started[0] = 0.0
                elif event == "prompt" and current:
                    progress.update(current[0], completed=done, total=total or None)
                elif event == "token" and current:
                    now = time.perf_counter()
                    started[0] = started[0] or now
                    generated[0] += 1
                    rate = generated[0] / (now - started[0]) if now > started[0] else 0.0
                    progress.update(current[0], description=f"generating: {generated[0]} tokens, {rate:.1f} tokens/s")

            return pipeline.write_model_outputs(static, request, generator, run, on_event)


def _server_generator(args: argparse.Namespace, options):
    """The --server generator: counts tokens with --model's vocabulary only when --model is given."""
    from analyzer.model.llama import VocabTokenizer
    from analyzer.model.openai_server import OpenAIServerGenerator

    key_name = args.api_key_env or "OPENAI_API_KEY"
    api_key = os.environ.get(key_name, "").strip() or None
    if args.api_key_env and api_key is None:
        raise ConfigError(f"--api-key-env {key_name}: that environment variable is not set or empty")
    tokenizer = VocabTokenizer(args.model) if args.model else None
    return OpenAIServerGenerator(
        args.server,
        options,
        tokenizer=tokenizer,
        api_key=api_key,
        api_key_name=key_name,
        allow_http=args.allow_http,
        server_model=args.server_model,
    )


def _context_output(static, request, args: argparse.Namespace, model_context) -> list[Path]:
    """Write --context: the context the model read when one ran, else one fitted to --budget."""
    from analyzer import pipeline
    from analyzer.model.llama import VocabTokenizer

    if model_context is not None:
        context = model_context
    else:
        with VocabTokenizer(args.model) as tokenizer:
            context = pipeline.build_context(static, request.budget, tokenizer.count_text)
    if args.context == "-":
        sys.stdout.write(context.text)
        sys.stdout.flush()
        return []
    from analyzer.documents.output import write_atomic

    path = Path(args.context)
    write_atomic(path, context.text)
    return [path]


def _cmd_models(args: argparse.Namespace, out: Console) -> int:
    from rich.table import Table

    from analyzer.model.gguf_file import list_models

    table = Table("path", "arch", "params", "quant", "ctx", "size")
    table.columns[0].overflow = "fold"
    for m in list_models(tuple(args.dir)):
        table.add_row(
            escape(str(m.path)),
            m.architecture,
            _human(m.parameters),
            m.quantization,
            str(m.context_length),
            _human(m.size, "B"),
        )
    out.print(table)
    return EXIT_OK


def _human(n: int | None, unit: str = "") -> str:
    if not n:
        return "?"
    for suffix in ("", "K", "M", "G", "T"):
        if abs(n) < 1000:
            return f"{n:.0f}{suffix}{unit}" if not suffix else f"{n:.1f}{suffix}{unit}"
        n /= 1000  # type: ignore[assignment]
    return f"{n:.1f}P{unit}"


if __name__ == "__main__":  # pragma: no cover
    os._exit(main())
