"""The benchmark's figures against its targets, its table, and the machine that gave them."""

import os
import platform
import re
from pathlib import Path

WORKER_RSS_TARGET_MB = 150
IMPORT_TARGET_S = 5 * 60
BUILD_TARGET_S = 10 * 60
BUILD_MEMORY_TARGET_MB = 2 * 1024


def check_targets(results: dict) -> dict:
    from bench.pages import KINDS

    checks = {}
    for kind in KINDS:
        page = results["pages"].get(kind.name)
        if not page or page.get("missing"):
            continue
        if kind.min_ratio is not None:
            checks[f"{kind.name} rps >= {kind.min_ratio:.0%} of health"] = (
                page["ratio"] >= kind.min_ratio
            )
        if kind.max_p95_ms is not None:
            checks[f"{kind.name} p95 < {kind.max_p95_ms:g} ms"] = page["p95_ms"] < kind.max_p95_ms
        if page["errors"]:
            checks[f"{kind.name} without errors"] = False
    checks[f"worker RSS < {WORKER_RSS_TARGET_MB} MB"] = (
        results["worker_rss_mb"]["max"] < WORKER_RSS_TARGET_MB
    )
    if results["films"] >= 300_000:
        checks["import < 5 min"] = results["import"]["seconds"] < IMPORT_TARGET_S
        checks["build < 10 min"] = results["build"]["seconds"] < BUILD_TARGET_S
        checks["build memory < 2 GB"] = results["build"]["peak_memory_mb"] < BUILD_MEMORY_TARGET_MB
    return checks


def print_table(results: dict) -> None:
    from bench.pages import KINDS

    print()
    print(
        f"{'page':<15}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'ratio':>8}"
        f"{'KB':>7}{'errors':>8}  target"
    )
    for kind in KINDS:
        page = results["pages"].get(kind.name)
        if not page:
            continue
        if page.get("missing"):
            print(f"{kind.name:<15}{'(page not there)':>52}")
            continue
        target = []
        if kind.min_ratio is not None:
            target.append(f">= {kind.min_ratio:.0%}")
        if kind.max_p95_ms is not None:
            target.append(f"p95 < {kind.max_p95_ms:g}")
        ratio = f"{page['ratio']:.0%}" if "ratio" in page else ""
        print(
            f"{kind.name:<15}{page['rps']:>9.1f}{page['p50_ms']:>9.1f}{page['p95_ms']:>9.1f}"
            f"{page['p99_ms']:>9.1f}{ratio:>8}{page['kb_per_response']:>7.1f}{page['errors']:>8}"
            f"  {', '.join(target)}"
        )
    films = results["films"]
    for step in ("import", "build"):
        f = results[step]
        pg = (
            f" + PostgreSQL {f['postgres_cpu_seconds']:.0f} s"
            if "postgres_cpu_seconds" in f
            else ""
        )
        print(
            f"\n{step} of {films:,} films: {f['seconds']:.0f} s "
            f"(CPU: {f['cpu_seconds']:.0f} s{pg}), peak memory {f['peak_memory_mb']:,} MB, "
            f"largest process {f['largest_process_rss_mb']:,} MB",
            end="",
        )
    print(f"\n(import and build measured {results['catalog_measured']})")
    read = results.get("database_read", {})
    if "mb" in read:
        print(
            f"database read ahead of the pages: {read['mb']:,} MB in {read['seconds']:g} s, "
            f"into shared buffers of {read['shared_buffers_mb']:,} MB"
        )
    if read.get("shared_buffers_mb", 0) < read.get("database_mb", 0):
        print(
            f"  PostgreSQL's shared_buffers ({read['shared_buffers_mb']:,} MB) is smaller than "
            f"the database ({read['database_mb']:,} MB): the rest is read from the operating "
            f"system's cache, or from the disk (docs/operations.md, PostgreSQL)"
        )
    print(
        f"gunicorn: {results['workers']} workers, loaded by wrk with {results['connections']} "
        f"connections; worker RSS {results['worker_rss_mb']['max']} MB at most"
    )
    machine_ = results["machine"]
    before, after = results["load_average_before"][0], results["load_average_after"][0]
    print(
        f"cache: {results['cache']}; machine: {machine_['cpus']} CPUs, {machine_['memory_gb']} GB; "
        f"load average {before:.1f} before, {after:.1f} after"
    )
    failed = [name for name, ok in results["targets"].items() if not ok]
    print("targets: " + ("all met" if not failed else "missed: " + "; ".join(failed)))


def machine() -> dict:
    memory = 0
    try:
        memory = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    except (OSError, AttributeError):
        pass
    return {
        "cpus": os.cpu_count(),
        "memory_gb": round(memory / 1024 / 1024, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
