"""`make bench`: runs every benchmark module in bench/ (each has a `main()`), or the ones named.

Each benchmark starts what it measures against (usually the local stack) and prints counts and
ratios measured in one run; none asserts on time.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def main() -> None:
    wanted = sys.argv[1:]
    names = sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if not m.name.startswith("_"))
    for name in names:
        if wanted and name not in wanted:
            continue
        module = importlib.import_module(f"bench.{name}")
        if hasattr(module, "main"):
            print(f"\n=== bench/{name} ===", flush=True)
            module.main()


if __name__ == "__main__":
    main()
