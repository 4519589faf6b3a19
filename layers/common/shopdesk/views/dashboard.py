"""GET /v1/dashboard as docs/api.md gives it: the domain's boxes, statistics and indicators."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from shopdesk.threads.dashboard import Dashboard


def dashboard_view(board: Dashboard) -> dict[str, Any]:
    return {
        "boxes": [asdict(box) for box in board.boxes],
        "statistics": asdict(board.statistics) if board.statistics else {},
        "indicators": asdict(board.indicators) if board.indicators else {},
        "assignment": asdict(board.assignment),
        "former_contacts": [asdict(former) for former in board.former_contacts],
    }
