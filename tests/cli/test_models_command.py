"""`analyze models` lists GGUF files from the places users keep them, read from headers only."""

from __future__ import annotations

import shutil

from analyzer.cli import main


def test_models_lists_a_gguf_in_an_extra_folder_and_ignores_other_files(tmp_path, tiny_model_path, capsys, monkeypatch):
    monkeypatch.setenv("ANALYZER_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("HOME", str(tmp_path / "user"))
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("COLUMNS", "300")  # one table row per model
    folder = tmp_path / "models"
    folder.mkdir()
    shutil.copy(tiny_model_path, folder / "tiny.gguf")
    (folder / "notes.gguf").write_text("not a model")
    assert main(["models", "--dir", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "tiny.gguf" in out and "llama" in out
    assert "notes.gguf" not in out
