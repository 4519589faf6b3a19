"""The built Lambda artifacts (`sam build`) and a way to import them the way Lambda would.

Used by tests/test_sam_build.py and bench/cold_start.py. Lambda puts the layer's `python/` folder on
sys.path (/opt/python), then the function's code (/var/task), then its own runtime's boto3. Here:

    PYTHONPATH = [host overlay] : <build>/CommonLayer/python : <build>/<Function> : <runtime boto3>

The layer is built for arm64. On an x86_64 machine its compiled extensions (nh3…) cannot load, so the
"host overlay" holds the host's wheels of exactly those distributions, same versions, and nothing
else: every pure-Python module, the bytecode included, still comes from the built layer.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAM = ROOT / ".venv-sam" / "bin" / "sam"
# What the Lambda runtime itself provides: boto3 and its dependencies (the layer leaves out the first three).
RUNTIME_PACKAGES = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six.py")


def python313() -> str:
    """A Python 3.13 interpreter (the Lambda runtime's version), found the way the Makefile finds it."""
    candidates = [os.environ.get("PYTHON313", ""), shutil.which("python3.13") or ""]
    pyenv_root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    candidates += sorted((str(p) for p in pyenv_root.glob("versions/3.13*/bin/python3.13")), reverse=True)
    if sys.version_info[:2] == (3, 13):
        candidates.append(getattr(sys, "_base_executable", sys.executable))
    for candidate in filter(None, candidates):
        check = subprocess.run([candidate, "-c", "import sys; assert sys.version_info[:2] == (3, 13)"], capture_output=True)
        if check.returncode == 0:
            return candidate
    raise RuntimeError("no Python 3.13 found (set PYTHON313)")


def sam_build(build_dir: Path) -> Path:
    """`sam build` for real, into build_dir; returns build_dir."""
    if not SAM.exists():
        raise RuntimeError(f"{SAM} is missing: `make sam` installs the SAM CLI")
    python = python313()
    env = {**os.environ, "PYTHON313": python, "PATH": f"{Path(python).parent}{os.pathsep}{os.environ.get('PATH', '')}",
           "SAM_CLI_TELEMETRY": "0"}
    subprocess.run([str(SAM), "build", "--template-file", str(ROOT / "template.yaml"), "--build-dir", str(build_dir)],
                   cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return build_dir


def functions() -> dict[str, str]:
    """Each function's logical id → its handler module, from template.yaml."""
    from local.template import load_template

    return {name: r["Properties"]["Handler"].rsplit(".", 1)[0] for name, r in load_template()["Resources"].items()
            if r["Type"] == "AWS::Serverless::Function"}


def compiled_distributions(layer: Path) -> list[tuple[str, str, list[str]]]:
    """(name, version, top-level names) of each platform-specific wheel in the layer."""
    found = []
    for dist in sorted(layer.glob("*.dist-info")):
        tags = [line.split(":", 1)[1].strip() for line in (dist / "WHEEL").read_text().splitlines() if line.startswith("Tag:")]
        if all(tag.endswith("-none-any") for tag in tags):
            continue
        meta = {k: v.strip() for k, _, v in (line.partition(":") for line in (dist / "METADATA").read_text().splitlines()[:20])}
        top_level = sorted({line.split(",")[0].split("/")[0] for line in (dist / "RECORD").read_text().splitlines()
                            if line and not line.split("/")[0].endswith((".dist-info", ".data")) and not line.startswith("..")})
        found.append((meta["Name"], meta["Version"], top_level))
    return found


def is_arm64_host() -> bool:
    return platform.machine().lower() in ("aarch64", "arm64")


def host_overlay(layer: Path, dest: Path) -> Path:
    """The host platform's build of the layer's compiled distributions (empty on an arm64 Linux host)."""
    dest.mkdir(parents=True, exist_ok=True)
    wanted = [f"{name}=={version}" for name, version, _ in compiled_distributions(layer)]
    if wanted and not is_arm64_host():
        subprocess.run([python313(), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps", "--no-compile",
                        "--only-binary=:all:", "--target", str(dest), *wanted], check=True, capture_output=True, text=True)
    return dest


def runtime_packages(dest: Path) -> Path:
    """Stand-in for the Lambda runtime's boto3: links to the development venv's copies (same pins)."""
    dest.mkdir(parents=True, exist_ok=True)
    site = next((ROOT / ".venv" / "lib").glob("python3.13/site-packages"))
    for name in RUNTIME_PACKAGES:
        link = dest / name
        if not link.exists():
            link.symlink_to(site / name, target_is_directory=(site / name).is_dir())
    return dest


def import_path(build_dir: Path, function: str, overlay: Path, runtime: Path) -> str:
    return os.pathsep.join(str(p) for p in (overlay, build_dir / "CommonLayer" / "python", build_dir / function, runtime))


def template_variables(function: str | None = None) -> dict[str, str]:
    """Every environment variable template.yaml gives the function (or every function), with a stand-in value."""
    from local.template import load_template

    template = load_template()
    names = set(template.get("Globals", {}).get("Function", {}).get("Environment", {}).get("Variables", {}))
    for name, resource in template["Resources"].items():
        if resource["Type"] == "AWS::Serverless::Function" and function in (None, name):
            names |= set(resource["Properties"].get("Environment", {}).get("Variables", {}))
    return {name: f"stand-in-{name.lower().replace('_', '-')}" for name in names}


def lambda_environment(pythonpath: str, function: str | None = None) -> dict[str, str]:
    """A Lambda-like environment: the template's variables, a region, no way to reach AWS."""
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR")}
    return {
        **keep,
        **template_variables(function),
        "PYTHONPATH": pythonpath,
        "PYTHONDONTWRITEBYTECODE": "1",  # /opt and /var/task are read-only on Lambda
        "AWS_REGION": "eu-west-1",
        "AWS_DEFAULT_REGION": "eu-west-1",
        "AWS_ACCESS_KEY_ID": "import-time",
        "AWS_SECRET_ACCESS_KEY": "import-time",
        "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
        "TABLE_NAME": "shopdesk-table",
        "ATTACHMENTS_BUCKET": "shopdesk-attachments",
        "SHOP_NAME": "Shop",
        "SENDER_EMAIL": "support@shop.example",
        "DEFAULT_LANGUAGE": "en",
        "IMAP_SECRET_ID": "imap-secret",
        "POWERTOOLS_SERVICE_NAME": "shopdesk",
        "POWERTOOLS_LOG_LEVEL": "INFO",
    }
