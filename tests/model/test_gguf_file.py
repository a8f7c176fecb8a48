"""GGUF header reading, memory arithmetic and model discovery (analyzer.model.gguf_file)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from gguf import GGUFReader

from analyzer.errors import ModelLoadError, ModelTooLargeError
from analyzer.model import gguf_file

# the shape write_tiny_model() uses by default
TINY = {"n_layer": 2, "n_embd": 64, "n_head": 2, "n_head_kv": 1, "n_ff": 128}


def test_header_matches_the_official_reader(tiny_model_path: Path) -> None:
    header = gguf_file.read_header(tiny_model_path)
    reader = GGUFReader(tiny_model_path)
    assert header.architecture == reader.fields["general.architecture"].contents() == "llama"
    assert header.n_layer == TINY["n_layer"]
    assert header.n_head_kv == TINY["n_head_kv"]
    assert header.head_dim_k == TINY["n_embd"] // TINY["n_head"]
    assert header.context_length == reader.fields["llama.context_length"].contents()
    assert header.parameters == sum(int(t.n_elements) for t in reader.tensors)
    assert {t.name: t.offset for t in header.tensors} == {
        t.name: t.data_offset - reader.data_offset for t in reader.tensors
    }
    assert header.data_offset == reader.data_offset
    assert header.data_end == header.file_size == tiny_model_path.stat().st_size
    assert header.quantization == "F16"
    assert header.chat_template == reader.fields["tokenizer.chat_template"].contents()
    assert header.array_lengths["tokenizer.ggml.tokens"] == len(reader.fields["tokenizer.ggml.tokens"].data)


def test_default_model_header(default_model_path: Path) -> None:
    header = gguf_file.read_header(default_model_path)
    assert header.architecture == "llama"
    assert header.quantization == "Q4_1"
    assert header.data_end == header.file_size
    assert "<|im_start|>" in header.chat_template


def _missing(tmp: Path, model: Path) -> Path:
    return tmp / "nope.gguf"


def _not_gguf(tmp: Path, model: Path) -> Path:
    path = tmp / "readme.gguf"
    path.write_text("this is not a model\n")
    return path


def _empty(tmp: Path, model: Path) -> Path:
    path = tmp / "empty.gguf"
    path.write_bytes(b"")
    return path


def _truncated_data(tmp: Path, model: Path) -> Path:
    path = tmp / "cut.gguf"
    path.write_bytes(model.read_bytes()[:-4096])
    return path


def _truncated_header(tmp: Path, model: Path) -> Path:
    path = tmp / "cut-header.gguf"
    path.write_bytes(model.read_bytes()[:5000])
    return path


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (_missing, "not found"),
        (_not_gguf, "not a GGUF"),
        (_empty, "not a GGUF"),
        (_truncated_data, "truncated"),
        (_truncated_header, "truncated"),
    ],
    ids=["missing", "not-gguf", "empty", "truncated-data", "truncated-header"],
)
def test_bad_model_files_raise_one_line_errors(tmp_path: Path, tiny_model_path: Path, make, words: str) -> None:
    path = make(tmp_path, tiny_model_path)
    with pytest.raises(ModelLoadError) as info:
        gguf_file.read_header(path)
    message = str(info.value)
    assert path.name in message
    assert words in message
    assert "\n" not in message


@pytest.mark.parametrize(("kv_type", "per_elem"), [("f16", 2.0), ("q8_0", 34 / 32), ("q4_0", 18 / 32)])
def test_kv_cache_bytes_follow_the_formula(tiny_model_path: Path, kv_type: str, per_elem: float) -> None:
    header = gguf_file.read_header(tiny_model_path)
    n_ctx = 1000
    head_dim = TINY["n_embd"] // TINY["n_head"]
    expected = TINY["n_layer"] * n_ctx * (TINY["n_head_kv"] * head_dim) * 2 * per_elem
    assert gguf_file.kv_cache_bytes(header, n_ctx, kv_type) == int(expected)


def test_check_memory_refuses_what_does_not_fit(tiny_model_path: Path) -> None:
    header = gguf_file.read_header(tiny_model_path)
    need = header.file_size + gguf_file.kv_cache_bytes(header, 2048, "f16") + gguf_file.compute_bytes(header, 2048)
    assert gguf_file.check_memory(header, 2048, "f16", need).total == need
    with pytest.raises(ModelTooLargeError) as info:
        gguf_file.check_memory(header, 2048, "f16", need - 1)
    assert tiny_model_path.name in str(info.value)
    assert "--ctx" in str(info.value)


def test_fit_context_caps_to_free_memory(tiny_model_path: Path) -> None:
    header = gguf_file.read_header(tiny_model_path)
    per_token = gguf_file.kv_cache_bytes(header, 1, "f16") + header.n_head * gguf_file.N_UBATCH * 4
    plenty = 1 << 40
    assert gguf_file.largest_n_ctx(header, "f16", plenty) == header.context_length
    tight = int((header.file_size + gguf_file.FIXED_COMPUTE + 1000 * per_token) / 0.9) + 1
    fitted = gguf_file.largest_n_ctx(header, "f16", tight)
    assert fitted == 768  # 1000 tokens fit, rounded down to a multiple of 256
    assert header.file_size + gguf_file.kv_cache_bytes(header, fitted, "f16") <= tight
    assert gguf_file.largest_n_ctx(header, "q4_0", tight) > fitted


def test_available_memory_is_positive() -> None:
    assert gguf_file.available_memory() > 0


def test_default_model_path_honors_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ANALYZER_MODEL", str(tmp_path / "m.gguf"))
    assert gguf_file.default_model_path() == tmp_path / "m.gguf"
    monkeypatch.delenv("ANALYZER_MODEL")
    monkeypatch.setenv("ANALYZER_HOME", str(tmp_path / "home"))
    assert gguf_file.default_model_path() == tmp_path / "home" / "models" / gguf_file.DEFAULT_MODEL_FILENAME


def test_list_models_scans_dirs_and_ollama_blobs(tmp_path: Path, tiny_model_path: Path) -> None:
    (tmp_path / "lm" / "org").mkdir(parents=True)
    (tmp_path / "blobs").mkdir()
    a = tmp_path / "lm" / "org" / "tiny.Q.gguf"
    shutil.copy(tiny_model_path, a)
    blob = tmp_path / "blobs" / "sha256-0123abcd"
    shutil.copy(tiny_model_path, blob)
    (tmp_path / "blobs" / "sha256-notamodel").write_bytes(b"{}")
    (tmp_path / "lm" / "broken.gguf").write_bytes(b"GGUF\x03\x00")
    (tmp_path / "lm" / "link.gguf").symlink_to(a)  # same file twice: listed once

    models = gguf_file.list_models([tmp_path / "lm", tmp_path / "blobs", tmp_path / "absent"], include_defaults=False)
    header = gguf_file.read_header(tiny_model_path)
    assert [m.path for m in models] == sorted([blob, a], key=str)
    for m in models:
        assert (m.architecture, m.parameters, m.quantization, m.context_length, m.size) == (
            "llama",
            header.parameters,
            "F16",
            header.context_length,
            header.file_size,
        )
