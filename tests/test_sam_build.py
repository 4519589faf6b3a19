"""`sam build` for real: the layer ships valid Python 3.13 bytecode and arm64 wheels, leaves out
what the runtime or only the tests need, and every handler imports from the built artifacts with
Python 3.13 without calling AWS.

On an x86_64 machine the arm64 extension modules (nh3) cannot load: the import test puts the host's
build of exactly those distributions first on the path (ops/artifacts.py says how); everything else,
the bytecode included, comes from what `sam build` produced.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
from pathlib import Path

import pytest

from ops import artifacts

EM_AARCH64 = 183
FUNCTIONS = artifacts.functions()


@pytest.fixture(scope="session")
def build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not artifacts.SAM.exists():
        if os.environ.get("CI"):
            pytest.fail("the SAM CLI is not installed: `make test` installs it into .venv-sam")
        pytest.skip("the SAM CLI is not installed: `make sam` installs it into .venv-sam")
    try:
        return artifacts.sam_build(tmp_path_factory.mktemp("sam") / "build")
    except subprocess.CalledProcessError as error:
        pytest.fail(f"sam build failed:\n{error.stdout}\n{error.stderr}")


@pytest.fixture(scope="session")
def layer(build: Path) -> Path:
    return build / "CommonLayer" / "python"


@pytest.fixture(scope="session")
def import_dirs(build: Path, layer: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("lambda-like")
    return artifacts.host_overlay(layer, base / "overlay"), artifacts.runtime_packages(base / "runtime")


def test_sam_build_builds_every_function_and_the_layer(build: Path) -> None:
    for function in FUNCTIONS:
        assert (build / function).is_dir(), function
        assert not list((build / function).rglob("__pycache__")), "development bytecode copied into the function"
    assert (build / "CommonLayer" / "python" / "shopdesk" / "__init__.py").exists()


def test_every_module_of_the_layer_ships_hash_based_python313_bytecode(layer: Path) -> None:
    sources = [p for p in layer.rglob("*.py") if "__pycache__" not in p.parts]
    assert len(sources) > 100
    for source in sources:
        pyc = source.parent / "__pycache__" / f"{source.stem}.cpython-313.pyc"
        assert pyc.exists(), f"no bytecode for {source.relative_to(layer)}"
        header = pyc.read_bytes()[:16]
        assert header[:4] == importlib.util.MAGIC_NUMBER, f"{pyc.name} is not Python 3.13 bytecode"
        flags = int.from_bytes(header[4:8], "little")
        assert flags & 1, f"{pyc.relative_to(layer)} is timestamp-based: Lambda would find it stale and recompile"


def test_the_layer_is_built_for_arm64(layer: Path) -> None:
    extensions = list(layer.rglob("*.so"))
    assert extensions, "expected nh3's extension module"
    for extension in extensions:
        header = extension.read_bytes()[:20]
        assert header[:4] == b"\x7fELF" and int.from_bytes(header[18:20], "little") == EM_AARCH64, extension.name
    for dist in layer.glob("*.dist-info"):
        tags = [line for line in (dist / "WHEEL").read_text().splitlines() if line.startswith("Tag:")]
        assert all(t.endswith("-none-any") or "aarch64" in t for t in tags), (dist.name, tags)


def test_the_layer_leaves_out_the_runtime_boto3_and_test_only_packages(layer: Path) -> None:
    top_level = {p.name.lower() for p in layer.iterdir()}
    for name in ("boto3", "botocore", "s3transfer", "pytest", "moto", "playwright", "pymap", "cfnlint", "samtranslator", "yaml", "jwt"):
        assert name not in top_level, f"{name} should not be in the layer"
    for needed in ("shopdesk", "aws_lambda_powertools", "pynamodb"):
        assert needed in top_level


@pytest.mark.parametrize("function", sorted(FUNCTIONS))
def test_each_handler_imports_from_the_built_artifacts_without_calling_aws(
    function: str, build: Path, import_dirs: tuple[Path, Path]
) -> None:
    module = FUNCTIONS[function]
    overlay, runtime = import_dirs
    probe = f"""
import sys
assert sys.version_info[:2] == (3, 13), sys.version
import botocore.client
def refuse(self, operation, params):
    raise SystemExit(f"AWS call at import time: {{operation}}")
botocore.client.BaseClient._make_api_call = refuse
import {module}
assert callable({module}.handler)
layer = {str(build / "CommonLayer" / "python")!r}
assert "aws_lambda_powertools" in sys.modules
for name in ("shopdesk", "aws_lambda_powertools", "pynamodb"):
    if name in sys.modules:
        assert sys.modules[name].__file__.startswith(layer), (name, sys.modules[name].__file__)
assert {module}.__file__.startswith({str(build / function)!r})
print("ok")
"""
    env = artifacts.lambda_environment(artifacts.import_path(build, function, overlay, runtime), function)
    result = subprocess.run([artifacts.python313(), "-S", "-c", probe], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stdout + result.stderr
