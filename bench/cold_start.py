"""Cold start: how long each handler takes to import from the built artifacts, with the bytecode the
layer ships and without it (what SAM's default builder would give: Lambda recompiles every module on
every cold start, since /opt is read-only), as a ratio to a bare `import boto3`; and the layer's size.

`sam build` runs first (into a temporary folder). Each figure is the median, over several fresh
Python 3.13 processes, of `python -X importtime`'s cumulative time for the handler module; the
`pydantic` column is the part of it spent importing pydantic (the APIs' typed requests: the mail
sync should show 0). Targets: each import under half a second with bytecode on this machine, the
layer under 15 MB zipped. tests/unit/test_handler_imports.py pins what can be pinned without a clock.
On x86_64 the layer's arm64 extension modules are swapped for the host's build (ops/artifacts.py).
"""

from __future__ import annotations

import io
import platform
import shutil
import statistics
import subprocess
import tempfile
import zipfile
from pathlib import Path

from ops import artifacts

RUNS = 7
TARGET_US = 500_000  # each handler's import, with the shipped bytecode
# What the APIs' typed requests cost: pydantic and the packages only it brings in.
PYDANTIC_PACKAGES = ("pydantic", "pydantic_core", "annotated_types", "typing_inspection")


def import_times_us(module: str, pythonpath: str) -> tuple[float, float]:
    """Median cumulative import time of `module`, and the median share of it spent importing
    pydantic (the self time of its modules), in microseconds, over RUNS fresh processes."""
    samples, pydantic = [], []
    for _ in range(RUNS):
        result = subprocess.run([artifacts.python313(), "-S", "-X", "importtime", "-c", f"import {module}"],
                                env=artifacts.lambda_environment(pythonpath), capture_output=True, text=True, check=True)
        spent = 0
        for line in result.stderr.splitlines():
            if not line.startswith("import time:") or "|" not in line:
                continue
            name = line.rsplit("|", 1)[-1].strip()
            if name == module:
                samples.append(int(line.split("|")[1]))
            elif name.split(".")[0] in PYDANTIC_PACKAGES and line.split("|")[0].split(":")[1].strip().isdigit():
                spent += int(line.split("|")[0].split(":")[1])
        pydantic.append(spent)
    return statistics.median(samples), statistics.median(pydantic)


def import_time_us(module: str, pythonpath: str) -> float:
    """Median cumulative import time of `module`, in microseconds, over RUNS fresh processes."""
    return import_times_us(module, pythonpath)[0]


def zipped_size(folder: Path) -> int:
    """The layer's size as Lambda stores it: a zip of `python/`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, Path("python") / path.relative_to(folder))
    return buffer.tell()


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="shopdesk-cold-start-") as tmp:
        base = Path(tmp)
        build = artifacts.sam_build(base / "build")
        layer = build / "CommonLayer" / "python"
        overlay = artifacts.host_overlay(layer, base / "overlay")
        runtime = artifacts.runtime_packages(base / "runtime")

        # The same layer without bytecode (SAM's default python3.13 builder).
        bare = base / "bare" / "CommonLayer" / "python"
        shutil.copytree(layer, bare)
        for cache in list(bare.rglob("__pycache__")):
            shutil.rmtree(cache)
        for function in artifacts.functions():
            shutil.copytree(build / function, base / "bare" / function)

        boto3_us = import_time_us("boto3", str(runtime))
        print(f"machine {platform.machine()}, Python 3.13, median of {RUNS} fresh processes; "
              f"bare `import boto3` (runtime-provided): {boto3_us / 1000:.0f} ms")
        print(f"{'handler':<20}{'with bytecode':>16}{'ratio':>8}{'pydantic':>11}{'without':>12}{'ratio':>8}{'speed-up':>10}  target")
        for function, module in artifacts.functions().items():
            shipped, pydantic = import_times_us(module, artifacts.import_path(build, function, overlay, runtime))
            compiled = import_time_us(module, artifacts.import_path(base / "bare", function, overlay, runtime))
            verdict = "ok" if shipped < TARGET_US else "OVER 0.5 s"
            print(f"{module:<20}{shipped / 1000:>13.0f} ms{shipped / boto3_us:>7.1f}x{pydantic / 1000:>8.0f} ms{compiled / 1000:>9.0f} ms"
                  f"{compiled / boto3_us:>7.1f}x{compiled / shipped:>9.1f}x  {verdict}")

        unzipped = sum(p.stat().st_size for p in layer.rglob("*") if p.is_file())
        zipped = zipped_size(layer)
        print(f"layer: {zipped / 1e6:.1f} MB zipped ({unzipped / 1e6:.1f} MB unzipped; target under 15 MB zipped)")


if __name__ == "__main__":
    main()
