"""The set-up script's build choice: CUDA only where the CUDA build can link, else the CPU build.

Fake ``nvcc`` toolkits on PATH; no real build runs (pip is replaced by a recorder).
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import subprocess
from pathlib import Path
from types import ModuleType

import pytest
from helpers import ROOT


def _load_setup() -> ModuleType:
    loader = importlib.machinery.SourceFileLoader("analyzer_setup", str(ROOT / ".ci" / "setup"))
    spec = importlib.util.spec_from_loader("analyzer_setup", loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


@pytest.fixture
def setup(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> ModuleType:
    module = _load_setup()
    # only the fake toolkits of each test exist: no system folder, no usual toolkit home
    monkeypatch.setattr(module, "CUDA_HOMES", ())
    monkeypatch.setattr(module, "SYSTEM_INCLUDE_DIRS", ())
    monkeypatch.setattr(module, "SYSTEM_LIB_DIRS", ())
    monkeypatch.delenv("CMAKE_ARGS", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    return module


def _toolkit(root: Path, *, header: bool, library: bool, layout: str = "flat") -> Path:
    (root / "bin").mkdir(parents=True)
    nvcc = root / "bin" / "nvcc"
    nvcc.write_text("#!/bin/sh\necho 'Cuda compilation tools, release 13.0'\n")
    nvcc.chmod(0o755)
    include, lib = (
        (root / "include", root / "lib64")
        if layout == "flat"
        else (root / "targets" / "x86_64-linux" / "include", root / "targets" / "x86_64-linux" / "lib")
    )
    include.mkdir(parents=True)
    lib.mkdir(parents=True)
    (include / "cuda_runtime.h").write_text("")
    (lib / "libcudart.so.13").write_text("")
    if header:
        (include / "cublas_v2.h").write_text("")
    if library:
        (lib / "libcublas.so.13").write_text("")
    return nvcc


def test_nvcc_without_cublas_builds_for_the_cpu(setup, tmp_path, monkeypatch):
    nvcc = _toolkit(tmp_path / "cuda-13.0", header=False, library=False)
    monkeypatch.setenv("PATH", str(nvcc.parent))
    flags, why = setup.build_flags()
    assert flags == "-DGGML_NATIVE=OFF"
    assert "not the cuBLAS" in why and "cublas_v2.h" in why and "libcublas" in why and str(nvcc) in why


@pytest.mark.parametrize(("header", "library", "missing"), [(True, False, "libcublas"), (False, True, "cublas_v2.h")])
def test_half_a_cublas_is_no_cublas(setup, tmp_path, monkeypatch, header, library, missing):
    nvcc = _toolkit(tmp_path / "cuda", header=header, library=library)
    monkeypatch.setenv("PATH", str(nvcc.parent))
    flags, why = setup.build_flags()
    assert "GGML_CUDA" not in flags and f"missing {missing})" in why


@pytest.mark.parametrize("layout", ["flat", "targets"])
def test_nvcc_with_cublas_builds_for_cuda(setup, tmp_path, monkeypatch, layout):
    nvcc = _toolkit(tmp_path / "cuda", header=True, library=True, layout=layout)
    link = tmp_path / "bin" / "nvcc"  # /usr/local/bin/nvcc -> the toolkit's, as distributions install it
    link.parent.mkdir()
    link.symlink_to(nvcc)
    monkeypatch.setenv("PATH", str(link.parent))
    flags, why = setup.build_flags()
    assert flags == "-DGGML_CUDA=on -DGGML_NATIVE=OFF" and why.startswith("CUDA build")


def test_cmake_args_override_everything(setup, tmp_path, monkeypatch):
    nvcc = _toolkit(tmp_path / "cuda", header=False, library=False)
    monkeypatch.setenv("PATH", str(nvcc.parent))
    monkeypatch.setenv("CMAKE_ARGS", "-DGGML_CUDA=on")
    assert setup.build_flags() == ("-DGGML_CUDA=on", "CMAKE_ARGS from the environment")


def test_no_nvcc_is_the_portable_cpu_build(setup):
    flags, _ = setup.build_flags()
    assert flags in ("-DGGML_NATIVE=OFF", "")  # "" on macOS: Metal


def _failing_cuda(calls: list[str]):
    def pip_install(args: list[str], env: dict[str, str]) -> None:
        calls.append(env["CMAKE_ARGS"])
        if "GGML_CUDA=on" in env["CMAKE_ARGS"]:
            raise subprocess.CalledProcessError(
                1,
                ["pip"],
                "-- Configuring incomplete\n",
                "CMake Error at ggml/src/ggml-cuda/CMakeLists.txt:\n"
                "  Target ggml-cuda links to CUDA::cublas but the target was not found. Unable to find cublas_v2.h\n",
            )

    return pip_install


def test_a_failed_cuda_build_says_why_in_one_line_and_builds_for_the_cpu(setup, capsys):
    calls: list[str] = []
    done = setup.install_llama("-DGGML_CUDA=on -DGGML_NATIVE=OFF", "CUDA build", _failing_cuda(calls))
    assert done == "-DGGML_NATIVE=OFF" and calls == ["-DGGML_CUDA=on -DGGML_NATIVE=OFF", "-DGGML_NATIVE=OFF"]
    lines = [line for line in capsys.readouterr().out.splitlines() if "CUDA build failed" in line]
    assert len(lines) == 1 and "Unable to find cublas_v2.h" in lines[0] and "portable CPU version" in lines[0]


def test_a_forced_build_that_fails_is_not_replaced(setup, monkeypatch):
    monkeypatch.setenv("CMAKE_ARGS", "-DGGML_CUDA=on")
    calls: list[str] = []
    with pytest.raises(subprocess.CalledProcessError):
        setup.install_llama("-DGGML_CUDA=on", "CMAKE_ARGS from the environment", _failing_cuda(calls))
    assert calls == ["-DGGML_CUDA=on"]
