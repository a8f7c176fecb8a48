"""GGUF header reading, memory arithmetic and model discovery (no weights are loaded).

The header is parsed by hand with buffered reads so that a missing, foreign or
truncated file is rejected with a :class:`ModelLoadError` *before* llama.cpp
touches it: the tensor table gives every tensor's offset, type and shape, and
the file must be long enough to hold the last byte of tensor data.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from gguf.constants import GGML_QUANT_SIZES, GGMLQuantizationType, LlamaFileType

from analyzer.config import default_home
from analyzer.errors import ModelLoadError, ModelTooLargeError

GGUF_MAGIC = b"GGUF"
DEFAULT_MODEL_FILENAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
#: arrays longer than this are skipped (only their length is kept)
_MAX_KEPT_ARRAY = 64
#: bytes per KV-cache element for each --kv-type (q8_0: 34 bytes / 32, q4_0: 18 bytes / 32)
KV_TYPE_BYTES: Mapping[str, float] = {"f16": 2.0, "q8_0": 34 / 32, "q4_0": 18 / 32}
#: smallest context chosen automatically (below it the model is refused as too large)
MIN_AUTO_CTX = 512

_SCALARS: dict[int, str] = {
    0: "<B",
    1: "<b",
    2: "<H",
    3: "<h",
    4: "<I",
    5: "<i",
    6: "<f",
    7: "<?",
    10: "<Q",
    11: "<q",
    12: "<d",
}
_STRING, _ARRAY = 8, 9

MetaValue = int | float | bool | str | tuple[object, ...]


@dataclass(frozen=True, slots=True)
class TensorInfo:
    """One entry of the GGUF tensor table."""

    name: str
    shape: tuple[int, ...]
    type_id: int
    offset: int  # relative to the data section

    @property
    def n_elements(self) -> int:
        n = 1
        for d in self.shape:
            n *= d
        return n

    @property
    def n_bytes(self) -> int:
        block, size = GGML_QUANT_SIZES[GGMLQuantizationType(self.type_id)]
        return self.n_elements // block * size


@dataclass(frozen=True, slots=True)
class GGUFHeader:
    """The metadata and tensor table of one GGUF file."""

    path: Path
    version: int
    metadata: Mapping[str, MetaValue]
    #: key -> length of arrays too long to keep (tokenizer vocab, merges)
    array_lengths: Mapping[str, int]
    tensors: tuple[TensorInfo, ...]
    data_offset: int
    file_size: int

    def get(self, key: str, default: MetaValue | None = None) -> MetaValue | None:
        return self.metadata.get(key, default)

    def arch_int(self, suffix: str, default: int = 0) -> int:
        value = self.metadata.get(f"{self.architecture}.{suffix}", default)
        if isinstance(value, tuple):  # per-layer arrays (e.g. head_count_kv): take the max
            value = max((int(v) for v in value if isinstance(v, (int, float))), default=default)
        return int(value)  # type: ignore[arg-type]

    @property
    def architecture(self) -> str:
        return str(self.metadata.get("general.architecture", "unknown"))

    @property
    def name(self) -> str:
        return str(self.metadata.get("general.name", self.path.stem))

    @property
    def context_length(self) -> int:
        return self.arch_int("context_length")

    @property
    def n_layer(self) -> int:
        return self.arch_int("block_count")

    @property
    def n_embd(self) -> int:
        return self.arch_int("embedding_length")

    @property
    def n_head(self) -> int:
        return self.arch_int("attention.head_count")

    @property
    def n_head_kv(self) -> int:
        return self.arch_int("attention.head_count_kv") or self.n_head

    @property
    def head_dim_k(self) -> int:
        return self.arch_int("attention.key_length") or (self.n_embd // max(self.n_head, 1))

    @property
    def head_dim_v(self) -> int:
        return self.arch_int("attention.value_length") or self.head_dim_k

    @property
    def parameters(self) -> int:
        return sum(t.n_elements for t in self.tensors)

    @property
    def chat_template(self) -> str:
        return str(self.metadata.get("tokenizer.chat_template", ""))

    @property
    def quantization(self) -> str:
        """The file type (Q4_K_M, F16...), else the most common weight type."""
        ftype = self.metadata.get("general.file_type")
        if isinstance(ftype, int):
            try:
                return LlamaFileType(ftype).name.removeprefix("MOSTLY_").removeprefix("ALL_")
            except ValueError:
                pass
        counts: dict[int, int] = {}
        for t in self.tensors:
            if len(t.shape) > 1:
                counts[t.type_id] = counts.get(t.type_id, 0) + t.n_bytes
        if not counts:
            return "unknown"
        best = max(sorted(counts), key=lambda k: counts[k])
        return GGMLQuantizationType(best).name

    @property
    def data_end(self) -> int:
        """Smallest file size that holds every tensor's data."""
        return self.data_offset + max((t.offset + t.n_bytes for t in self.tensors), default=0)


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """What :func:`list_models` tells about a model file."""

    path: Path
    architecture: str
    parameters: int
    quantization: str
    context_length: int
    size: int
    name: str = ""


@dataclass(frozen=True, slots=True)
class MemoryEstimate:
    """Bytes needed by a model at a given context size."""

    weights: int
    kv_cache: int
    available: int
    #: llama.cpp's compute buffers (attention scores without flash attention + fixed buffers)
    compute: int = 0

    @property
    def total(self) -> int:
        return self.weights + self.kv_cache + self.compute

    @property
    def fits(self) -> bool:
        return self.total <= self.available


def default_model_path() -> Path:
    """The model used when none is given: ``$ANALYZER_MODEL``, else the bundled SmolLM2."""
    env = os.environ.get("ANALYZER_MODEL")
    if env:
        return Path(env).expanduser()
    return default_home() / "models" / DEFAULT_MODEL_FILENAME


def read_header(path: Path | str) -> GGUFHeader:
    """Read and validate the header of a GGUF file.

    Raises:
        ModelLoadError: the file is missing, unreadable, not GGUF, or shorter
            than its tensor table says.
    """
    path = Path(path)
    if not path.is_file():
        raise ModelLoadError(f"model file not found: {path}")
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            header = _parse(fh, path, size)
    except OSError as e:
        raise ModelLoadError(f"cannot read model file {path}: {e.strerror or e}") from e
    except (struct.error, UnicodeDecodeError, ValueError, KeyError, OverflowError) as e:
        raise ModelLoadError(f"model file {path} has a corrupt or truncated GGUF header") from e
    if header.data_end > size:
        raise ModelLoadError(f"model file {path} is truncated: {size} bytes, tensor data needs {header.data_end}")
    return header


def is_gguf(path: Path) -> bool:
    """True when the file starts with the GGUF magic."""
    try:
        with path.open("rb") as fh:
            return fh.read(4) == GGUF_MAGIC
    except OSError:
        return False


def kv_cache_bytes(header: GGUFHeader, n_ctx: int, kv_type: str = "f16") -> int:
    """KV cache size: n_layer * n_ctx * n_head_kv * (head_dim_k + head_dim_v) * bytes/element."""
    per_elem = KV_TYPE_BYTES[kv_type]
    width = header.n_head_kv * (header.head_dim_k + header.head_dim_v)
    return int(header.n_layer * n_ctx * width * per_elem)


def available_memory() -> int:
    """Bytes of memory free for a new allocation (MemAvailable, else free pages)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return 1 << 62  # unknown: do not refuse


def cpu_count() -> int:
    """Cores this process may run on (its affinity mask), at least 1."""
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


#: llama.cpp's micro-batch: attention scores are n_head x n_ubatch x n_ctx floats without flash attention
N_UBATCH = 512
#: fixed compute / output buffers seen on top of weights and KV (measured ~35 MiB for SmolLM2)
FIXED_COMPUTE = 48 * 1024 * 1024


def compute_bytes(header: GGUFHeader, n_ctx: int) -> int:
    """Compute buffers at ``n_ctx``: the attention-score working memory (flash attention off, the
    worst case) plus fixed buffers.  Measured against peak RSS in bench/runtime_bench.py."""
    return max(header.n_head, 1) * min(N_UBATCH, n_ctx) * n_ctx * 4 + FIXED_COMPUTE


def estimate_memory(header: GGUFHeader, n_ctx: int, kv_type: str, available: int) -> MemoryEstimate:
    """Weights (file size) + KV cache + compute buffers at ``n_ctx`` against ``available`` bytes."""
    return MemoryEstimate(
        header.file_size, kv_cache_bytes(header, n_ctx, kv_type), available, compute_bytes(header, n_ctx)
    )


def check_memory(header: GGUFHeader, n_ctx: int, kv_type: str, available: int) -> MemoryEstimate:
    """Raise ModelTooLargeError when weights + KV cache exceed ``available``."""
    est = estimate_memory(header, n_ctx, kv_type, available)
    if not est.fits:
        raise ModelTooLargeError(
            f"model {header.path.name} needs about {_gib(est.total)} "
            f"(weights {_gib(est.weights)} + KV cache {_gib(est.kv_cache)} + compute {_gib(est.compute)} "
            f"at --ctx {n_ctx}, "
            f"--kv-type {kv_type}) but only {_gib(available)} is free; "
            "lower --ctx, use --kv-type q8_0/q4_0, or pick a smaller model"
        )
    return est


def largest_n_ctx(header: GGUFHeader, kv_type: str, available: int, headroom: float = 0.9) -> int:
    """Largest context (<= trained, multiple of 256) whose weights + KV fit ``headroom * available``."""
    trained = header.context_length or 4096
    per_token = (kv_cache_bytes(header, 1, kv_type) + max(header.n_head, 1) * N_UBATCH * 4) or 1
    budget = int(available * headroom) - header.file_size - FIXED_COMPUTE
    fitting = budget // per_token if budget > 0 else 0
    n_ctx = min(trained, fitting)
    if n_ctx < trained:
        n_ctx -= n_ctx % 256
    return int(n_ctx)


def choose_context(header: GGUFHeader, requested: int | None, kv_type: str, available: int) -> tuple[int, str]:
    """``(n_ctx, why)``: ``requested`` (--ctx), else the trained context capped to free memory.

    Raises:
        ModelTooLargeError: not even a ``MIN_AUTO_CTX``-token KV cache fits next to the weights.
    """
    trained = header.context_length
    if requested is not None:
        return requested, "from --ctx" + (f"; exceeds the trained {trained}" if 0 < trained < requested else "")
    fit = largest_n_ctx(header, kv_type, available)
    if fit < MIN_AUTO_CTX:
        raise ModelTooLargeError(
            f"model {header.path.name} ({header.file_size / 2**20:.0f} MiB) leaves no room for a "
            f"{MIN_AUTO_CTX}-token KV cache in {available / 2**20:.0f} MiB of free memory; "
            "pick a smaller model or free memory"
        )
    return fit, (
        "the trained context"
        if fit == trained
        else f"capped from the trained {trained} so weights + KV cache fit in free memory"
    )


def choose_gpu_layers(requested: int | None, n_layer: int, has_gpu: bool) -> tuple[int, str]:
    """``(layers to offload, why)``; ``n_layer + 1`` means all, output layer included."""
    if requested is not None:
        return requested, f"{requested} (from --gpu-layers)"
    if has_gpu:
        return n_layer + 1, "all (llama.cpp was built with GPU offload)"
    return 0, "0 (llama.cpp was built without GPU support)"


def choose_flash(requested: bool | None, kv_type: str, gpu_layers: int) -> tuple[bool, str]:
    """``(flash attention on?, why)``: needed by a quantized KV cache, worth it on a GPU."""
    if requested is not None:
        return requested, f"{'on' if requested else 'off'} (from options)"
    if kv_type != "f16":
        return True, f"on (required by --kv-type {kv_type})"
    return gpu_layers > 0, "on (GPU offload)" if gpu_layers > 0 else "off (CPU only)"


def model_search_dirs() -> tuple[Path, ...]:
    """Where :func:`list_models` looks by default (existing or not)."""
    home = Path.home()
    hf = os.environ.get("HF_HUB_CACHE") or (
        str(Path(os.environ["HF_HOME"]) / "hub")
        if os.environ.get("HF_HOME")
        else str(home / ".cache" / "huggingface" / "hub")
    )
    return (
        default_home() / "models",
        Path(hf),
        home / ".lmstudio" / "models",
        home / ".cache" / "lm-studio" / "models",
        home / ".ollama" / "models" / "blobs",
    )


def list_models(extra_dirs: Iterable[Path] = (), include_defaults: bool = True) -> tuple[ModelInfo, ...]:
    """GGUF models found in the usual places and ``extra_dirs``, sorted by path.

    Files whose header does not parse are left out.  Ollama blobs
    (``sha256-*``, no extension) are recognised by their magic.
    """
    dirs = list(model_search_dirs()) if include_defaults else []
    dirs.extend(Path(d).expanduser() for d in extra_dirs)
    chosen: dict[Path, Path] = {}  # resolved file -> path shown (a real file beats a symlink)
    for directory in dirs:
        for candidate in _candidates(directory):
            try:
                real = candidate.resolve()
            except OSError:
                continue
            best = chosen.get(real)
            if best is None or (candidate.is_symlink(), str(candidate)) < (best.is_symlink(), str(best)):
                chosen[real] = candidate
    found: list[ModelInfo] = []
    for candidate in chosen.values():
        try:
            header = read_header(candidate)
        except ModelLoadError:
            continue
        found.append(
            ModelInfo(
                candidate,
                header.architecture,
                header.parameters,
                header.quantization,
                header.context_length,
                header.file_size,
                header.name,
            )
        )
    return tuple(sorted(found, key=lambda m: str(m.path)))


# --- private helpers ----------------------------------------------------------


def _candidates(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    out: list[Path] = []
    for root, _dirs, files in os.walk(directory, followlinks=True):
        for fname in files:
            p = Path(root) / fname
            if fname.lower().endswith(".gguf") or (fname.startswith("sha256") and is_gguf(p)):
                out.append(p)
    return sorted(out)


def _parse(fh: BinaryIO, path: Path, size: int) -> GGUFHeader:
    if fh.read(4) != GGUF_MAGIC:
        raise ModelLoadError(f"{path} is not a GGUF model file (bad magic)")
    (version,) = _unpack(fh, "<I")
    if version not in (2, 3):
        raise ModelLoadError(f"{path} uses unsupported GGUF version {version}")
    n_tensors, n_kv = _unpack(fh, "<QQ")
    if n_tensors > size or n_kv > size:
        raise ModelLoadError(f"model file {path} has a corrupt GGUF header")
    meta: dict[str, MetaValue] = {}
    lengths: dict[str, int] = {}
    for _ in range(n_kv):
        key = _read_str(fh)
        (vtype,) = _unpack(fh, "<I")
        if vtype == _ARRAY:
            etype, count = _unpack(fh, "<IQ")
            if count > size:
                raise ValueError("array length beyond file size")
            if count <= _MAX_KEPT_ARRAY:
                meta[key] = tuple(_read_value(fh, etype) for _ in range(count))
            else:
                lengths[key] = count
                _skip_array(fh, etype, count)
        else:
            meta[key] = _read_value(fh, vtype)
    tensors = []
    for _ in range(n_tensors):
        name = _read_str(fh)
        (n_dims,) = _unpack(fh, "<I")
        shape = _unpack(fh, f"<{n_dims}Q")
        type_id, offset = _unpack(fh, "<IQ")
        tensors.append(TensorInfo(name, tuple(int(d) for d in shape), int(type_id), int(offset)))
    align = meta.get("general.alignment", 32)
    align = int(align) if isinstance(align, int) and align > 0 else 32
    pos = fh.tell()
    data_offset = pos + (-pos % align)
    return GGUFHeader(path, int(version), meta, lengths, tuple(tensors), data_offset, size)


def _unpack(fh: BinaryIO, fmt: str) -> tuple:
    n = struct.calcsize(fmt)
    data = fh.read(n)
    if len(data) != n:
        raise ValueError("unexpected end of file")
    return struct.unpack(fmt, data)


def _read_str(fh: BinaryIO) -> str:
    (n,) = _unpack(fh, "<Q")
    if n > 1 << 26:
        raise ValueError("string too long")
    data = fh.read(n)
    if len(data) != n:
        raise ValueError("unexpected end of file")
    return data.decode("utf-8")


def _read_value(fh: BinaryIO, vtype: int) -> MetaValue:
    if vtype == _STRING:
        return _read_str(fh)
    if vtype == _ARRAY:
        etype, count = _unpack(fh, "<IQ")
        return tuple(_read_value(fh, etype) for _ in range(min(count, _MAX_KEPT_ARRAY)))
    return _unpack(fh, _SCALARS[vtype])[0]


def _skip_array(fh: BinaryIO, etype: int, count: int) -> None:
    if etype == _STRING:
        for _ in range(count):
            (n,) = _unpack(fh, "<Q")
            fh.seek(n, os.SEEK_CUR)
    elif etype == _ARRAY:
        for _ in range(count):
            _read_value(fh, _ARRAY)
    else:
        fh.seek(struct.calcsize(_SCALARS[etype]) * count, os.SEEK_CUR)


def _gib(n: int) -> str:
    return f"{n / (1 << 30):.2f} GiB" if n >= 1 << 28 else f"{n / (1 << 20):.0f} MiB"
