"""Tiny timing helpers shared by the bench scripts: run a callable N times, report p50/p95."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def measure(fn: Callable[[], object], runs: int = 200, warmup: int = 20) -> dict[str, float]:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return {
        "p50": statistics.median(samples),
        "p95": samples[int(len(samples) * 0.95) - 1],
        "runs": runs,
    }


def report(label: str, result: dict[str, float], floor: dict[str, float] | None = None) -> None:
    """One line: p50/p95, and with `floor` (the same query as raw SQL) its p50/p95 and the
    ratios."""
    line = f"{label:<32} p50 {result['p50']:7.2f} ms  p95 {result['p95']:7.2f} ms"
    if floor:
        p50, p95 = result["p50"] / floor["p50"], result["p95"] / floor["p95"]
        line += (
            f"  | floor p50 {floor['p50']:6.2f} p95 {floor['p95']:6.2f} ms"
            f"  | ratio p50 x{p50:.1f} p95 x{p95:.1f}"
        )
    print(line)
