"""Benchmark of the model runtime (analyzer.model.llama) on the default model (SmolLM2-135M-Instruct Q4_1).

Measures, in one run (so ratios share the machine's load):

a) prompt-processing throughput of ``LlamaCppGenerator.generate(max_tokens=1)`` over a
   ~6,000-token prompt vs llama-cpp-python's bare ``Llama.eval`` of the same tokens
   (same threads, n_batch, n_ctx; fresh KV each repetition; interleaved; median of 3);
b) time to first token with a 6,000-token shared prefix (system message = repository
   context, ``prefix_messages=1``): cold (new generator, empty KV-state dir) vs warm
   (new generator, same dir: prefix state loaded from disk);
c) the memory estimate ``llm.py`` prints before loading vs the peak RSS of a child
   process that loads the model at that n_ctx and generates (``resource.getrusage``);
d) the load time of ``VocabTokenizer`` (used by ``analyze --context``).

Usage: ``.venv/bin/python bench/runtime_bench.py [--reps 3] [--tokens 6000]``
Writes bench/results/runtime.json and runtime.md and prints the Markdown.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
import llama_cpp  # noqa: E402  (the bare baseline; the analyzer itself imports it only in model/llama.py)
from _common import machine, md_table, write_json, write_text  # noqa: E402

from analyzer.model import gguf_file  # noqa: E402
from analyzer.model.generator import RuntimeOptions  # noqa: E402
from analyzer.model.llama import LlamaCppGenerator, VocabTokenizer  # noqa: E402

N_CTX = 8192
N_BATCH = 512
QUESTION = "Which module is the entry point, and what does it call first?"


def repository_context(vocab: VocabTokenizer, n_tokens: int) -> str:
    """The analyzer's own sources, cut at a line boundary to about ``n_tokens`` tokens."""
    lines: list[str] = []
    for path in sorted((BENCH.parent / "analyzer").rglob("*.py")):
        lines.append(f"### {path.relative_to(BENCH.parent).as_posix()}")
        lines.extend(path.read_text(encoding="utf-8").splitlines())
    lo, hi = 0, len(lines)
    while lo < hi:  # largest prefix of lines within the budget
        mid = (lo + hi + 1) // 2
        if vocab.count_text("\n".join(lines[:mid])) <= n_tokens:
            lo = mid
        else:
            hi = mid - 1
    return "\n".join(lines[:lo])


def options(threads: int, kv_dir: Path | None = None, n_ctx: int = N_CTX) -> RuntimeOptions:
    return RuntimeOptions(n_ctx=n_ctx, threads=threads, n_batch=N_BATCH, kv_cache_dir=kv_dir, seed=0)


def bench_prompt_processing(messages: list[dict[str, str]], threads: int, reps: int) -> dict[str, Any]:
    """(a) ours vs bare Llama.eval, interleaved, fresh KV each repetition."""
    ours_s: list[float] = []
    bare_s: list[float] = []
    with LlamaCppGenerator(options(threads)) as probe:
        tokens = probe.tokenize_messages(messages)
        flash = any("flash attention: on" in line for line in probe.describe_choices())
    bare = llama_cpp.Llama(
        model_path=str(gguf_file.default_model_path()),
        n_ctx=N_CTX,
        n_batch=N_BATCH,
        n_ubatch=N_BATCH,
        n_threads=threads,
        n_threads_batch=threads,
        n_gpu_layers=0,
        flash_attn=flash,
        verbose=False,
    )
    try:
        for _ in range(reps):
            with LlamaCppGenerator(options(threads)) as gen:  # new generator: empty KV
                t0 = time.perf_counter()
                result = gen.generate(messages, max_tokens=1)
                ours_s.append(time.perf_counter() - t0)
                assert result.stats.prompt_tokens == len(tokens) and result.stats.cached_tokens == 0
            bare.reset()  # n_tokens = 0; eval() drops the KV cells from there on
            t0 = time.perf_counter()
            bare.eval(tokens)
            bare_s.append(time.perf_counter() - t0)
    finally:
        bare.close()
    ours, base = statistics.median(ours_s), statistics.median(bare_s)
    return {
        "prompt_tokens": len(tokens),
        "ours_s": ours_s,
        "bare_eval_s": bare_s,
        "ours_tok_per_s": round(len(tokens) / ours, 1),
        "bare_tok_per_s": round(len(tokens) / base, 1),
        "ratio": round(base / ours, 3),
        "goal": ">= 0.9",
        "flash_attn": flash,
    }


def bench_ttft(messages: list[dict[str, str]], threads: int, reps: int) -> dict[str, Any]:
    """(b) cold vs warm time to first token with a shared system-message prefix."""
    cold_s, warm_s, cold_load, warm_load = [], [], [], []
    prefix = cached = 0
    state_mb = 0.0
    texts = set()
    for _ in range(reps):
        with tempfile.TemporaryDirectory(prefix="kvbench-") as tmp:
            kv = Path(tmp)
            for label, ttft, load in (("cold", cold_s, cold_load), ("warm", warm_s, warm_load)):
                t0 = time.perf_counter()
                with LlamaCppGenerator(options(threads, kv)) as gen:
                    load.append(time.perf_counter() - t0)
                    result = gen.generate(messages, max_tokens=8, prefix_messages=1)
                    prefix = len(gen.tokenize_messages(messages[:1], add_generation_prompt=False))
                ttft.append(result.stats.prompt_seconds)
                texts.add(result.text)
                if label == "warm":
                    cached = result.stats.cached_tokens
                    state_mb = sum(f.stat().st_size for f in kv.iterdir()) / 2**20
    cold, warm = statistics.median(cold_s), statistics.median(warm_s)
    return {
        "prompt_tokens": result.stats.prompt_tokens,
        "prefix_tokens": prefix,
        "warm_cached_tokens": cached,
        "cold_ttft_s": cold_s,
        "warm_ttft_s": warm_s,
        "cold_load_s": cold_load,
        "warm_load_s": warm_load,
        "state_file_mb": round(state_mb, 1),
        "warm_over_cold": round(warm / cold, 3),
        "goal": "<= 0.10",
        "same_answer": len(texts) == 1,
    }


def peak_rss() -> int:
    """Peak resident bytes of this process image: VmHWM, else getrusage's ru_maxrss.

    ``ru_maxrss`` survives ``execve`` on Linux (a child spawned by a large parent starts
    at the parent's peak), while VmHWM belongs to the new address space; both are recorded.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def memory_child(n_ctx: int, threads: int, context: str) -> dict[str, Any]:
    """(c) run in a fresh process: estimate, then load + generate, then peak RSS."""
    before = peak_rss()
    header = gguf_file.read_header(gguf_file.default_model_path())
    est = gguf_file.estimate_memory(header, n_ctx, "f16", gguf_file.available_memory())
    with LlamaCppGenerator(options(threads, n_ctx=n_ctx)) as gen:
        line = next(x for x in gen.describe_choices() if x.startswith("KV cache:"))
        messages = [{"role": "system", "content": context}, {"role": "user", "content": QUESTION}]
        while gen.count_tokens(messages) > n_ctx - 16:  # fill the context as far as it goes
            messages[0] = {"role": "system", "content": context[: int(len(messages[0]["content"]) * 0.9)]}
        result = gen.generate(messages, max_tokens=8)
    peak = peak_rss()
    rusage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {
        "n_ctx": n_ctx,
        "prompt_tokens": result.stats.prompt_tokens,
        "printed": line,
        "estimate_mb": round(est.total / 2**20, 1),
        "weights_mb": round(est.weights / 2**20, 1),
        "kv_mb": round(est.kv_cache / 2**20, 1),
        "compute_mb": round(est.compute / 2**20, 1),
        "rss_before_load_mb": round(before / 2**20, 1),
        "peak_rss_mb": round(peak / 2**20, 1),
        "peak_minus_baseline_mb": round((peak - before) / 2**20, 1),
        "getrusage_maxrss_mb": round(rusage / 2**20, 1),
    }


def bench_memory(context_file: Path, threads: int) -> list[dict[str, Any]]:
    out = []
    for n_ctx in (2048, N_CTX):
        proc = subprocess.run(
            [
                sys.executable,
                __file__,
                "--child-memory",
                str(n_ctx),
                "--threads",
                str(threads),
                "--context-file",
                str(context_file),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        out.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    return out


def bench_vocab(reps: int) -> list[float]:
    """(d) seconds to load only the vocabulary of the default model."""
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        with VocabTokenizer() as vocab:
            vocab.count_text("x")
        times.append(time.perf_counter() - t0)
    return times


def render(data: dict[str, Any]) -> str:
    m, pp, tt = data["machine"], data["prompt_processing"], data["ttft"]
    med = statistics.median
    lines = [
        "# Runtime benchmark (analyzer.model.llama, llama.cpp)",
        "",
        f"Model: {data['model']}; machine: {m['cores']} cores, {m['cpu']}, {m['memory_gb']} GB; "
        f"threads {data['threads']}, n_ctx {N_CTX}, n_batch {N_BATCH}, llama-cpp-python {data['llama_cpp']}; "
        f"median of {data['reps']}; {m['date']}.",
        "",
        md_table(
            ["measure", "value", "goal", "ok"],
            [
                [
                    f"prompt processing, ours (generate, {pp['prompt_tokens']} tokens)",
                    f"{pp['ours_tok_per_s']} tok/s ({med(pp['ours_s']):.2f} s)",
                    "",
                    "",
                ],
                [
                    "prompt processing, bare Llama.eval",
                    f"{pp['bare_tok_per_s']} tok/s ({med(pp['bare_eval_s']):.2f} s)",
                    "",
                    "",
                ],
                ["ratio ours / bare", pp["ratio"], pp["goal"], "yes" if pp["ratio"] >= 0.9 else "NO"],
                [
                    f"TTFT cold ({tt['prefix_tokens']}-token prefix, empty KV dir)",
                    f"{med(tt['cold_ttft_s']):.2f} s",
                    "",
                    "",
                ],
                [
                    f"TTFT warm (state loaded, {tt['warm_cached_tokens']} cached, {tt['state_file_mb']} MiB file)",
                    f"{med(tt['warm_ttft_s']):.3f} s",
                    "",
                    "",
                ],
                ["ratio warm / cold", tt["warm_over_cold"], tt["goal"], "yes" if tt["warm_over_cold"] <= 0.1 else "NO"],
                [
                    "model load (new generator, either case)",
                    f"{med(tt['cold_load_s'] + tt['warm_load_s']):.2f} s",
                    "",
                    "",
                ],
                [
                    "VocabTokenizer load (analyze --context)",
                    f"{med(data['vocab_load_s']) * 1000:.0f} ms",
                    "< 1 s",
                    "yes" if med(data["vocab_load_s"]) < 1 else "NO",
                ],
            ],
        ),
        "",
        "Memory: estimate printed before loading (weights + f16 KV cache + compute buffers) vs peak RSS of a "
        "child that loads "
        "the model and generates with the context filled:",
        "",
        md_table(
            [
                "n_ctx",
                "prompt tokens",
                "estimate MiB (weights + KV + compute)",
                "peak RSS MiB",
                "RSS before load MiB",
                "peak - before MiB",
            ],
            [
                [
                    r["n_ctx"],
                    r["prompt_tokens"],
                    f"{r['estimate_mb']} ({r['weights_mb']} + {r['kv_mb']} + {r.get('compute_mb', '?')})",
                    r["peak_rss_mb"],
                    r["rss_before_load_mb"],
                    r["peak_minus_baseline_mb"],
                ]
                for r in data["memory"]
            ],
        ),
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--tokens", type=int, default=6000)
    ap.add_argument("--threads", type=int, default=gguf_file.cpu_count())
    ap.add_argument("--child-memory", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--context-file", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child_memory:
        print(json.dumps(memory_child(args.child_memory, args.threads, args.context_file.read_text())))
        return
    vocab_s = bench_vocab(args.reps)
    with VocabTokenizer() as vocab:
        context = repository_context(vocab, args.tokens)
        context_tokens = vocab.count_text(context)
    messages = [{"role": "system", "content": context}, {"role": "user", "content": QUESTION}]
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as fh:
        fh.write(context)
    data: dict[str, Any] = {
        "model": gguf_file.default_model_path().name,
        "machine": machine(),
        "threads": args.threads,
        "n_ctx": N_CTX,
        "n_batch": N_BATCH,
        "reps": args.reps,
        "llama_cpp": llama_cpp.__version__,
        "context_tokens": context_tokens,
        "vocab_load_s": vocab_s,
    }
    data["prompt_processing"] = bench_prompt_processing(messages, args.threads, args.reps)
    data["ttft"] = bench_ttft(messages, args.threads, args.reps)
    data["memory"] = bench_memory(Path(fh.name), args.threads)
    Path(fh.name).unlink()
    write_json("runtime.json", data)
    text = render(data)
    write_text("runtime.md", text)
    print(text)


if __name__ == "__main__":
    main()
