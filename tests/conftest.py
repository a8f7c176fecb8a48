"""Shared fixtures.

Model fixtures never skip: a missing default model fails the test with a
message saying how to install it, because a model test that skips tests nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tiny_model import write_tiny_model

from analyzer.model import gguf_file


def _require_default_model() -> Path:
    path = gguf_file.default_model_path()
    if not path.is_file():
        pytest.fail(
            f"default model missing: {path}\n"
            "Install it with the project's set-up script (it extracts "
            f"{gguf_file.DEFAULT_MODEL_FILENAME} into ANALYZER_HOME/models), "
            "or point ANALYZER_MODEL at a GGUF file.",
            pytrace=False,
        )
    return path


@pytest.fixture(scope="session")
def default_model_path() -> Path:
    """The default small instruct model (SmolLM2-135M-Instruct Q4_1); fails when missing."""
    return _require_default_model()


@pytest.fixture(scope="session")
def tiny_model_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random-weight llama GGUF with the default model's real tokenizer."""
    source = _require_default_model()
    out = tmp_path_factory.mktemp("models") / "tiny-random-llama.F16.gguf"
    return write_tiny_model(out, source)
