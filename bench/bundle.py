"""The stand-alone bundle against the source install: size on disk and start-up time.

    ./installer/build-linux.sh               # builds dist/channeldesk-VERSION-linux-ARCH/
    .venv/bin/python -m bench.bundle [--runs 7]

Size: the bundle's folder against the packages a source install of the desktop app puts
into site-packages (this checkout's core and ``desktop`` dependencies with everything
they pull, as installed in this environment), and the Python interpreter and standard
library a source install needs beside them.

Start-up, measured in the same run with the runs of the two interleaved: wall time from
spawning the process until it has exited, for ``channeldesk --version`` (the interpreter
and the command line, no Qt) and for ``channeldesk --db DEMO`` with
``CHANNELDESK_QUIT_AFTER_SHOWN=1`` (start, open the demo database, show and paint the main
window, close it as a person would), offscreen, on a warm disk cache (one unmeasured run
of each first). Prints the median and the spread; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

REPO = Path(__file__).resolve().parent.parent
DIST = REPO / "dist"


def folder_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


def desktop_closure() -> dict[str, int]:
    """Bytes installed per distribution for the desktop app's dependencies (recursive)."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    todo = [*project["dependencies"], *project["optional-dependencies"]["desktop"]]
    sizes: dict[str, int] = {}
    while todo:
        requirement = Requirement(todo.pop())
        if requirement.marker and not requirement.marker.evaluate({"extra": ""}):
            continue
        name = requirement.name.lower().replace("_", "-")
        if name in sizes:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        sizes[name] = sum((dist.locate_file(f).stat().st_size for f in dist.files or ()
                           if Path(dist.locate_file(f)).is_file()), 0)
        todo.extend(dist.requires or [])
    return sizes


def python_runtime_bytes() -> int:
    """The standard library and the interpreter a source install runs on."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    return folder_bytes(stdlib) - folder_bytes(stdlib / "site-packages") \
        if (stdlib / "site-packages").is_dir() else folder_bytes(stdlib)


def timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    took = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr}")
    return took


def summary(values: list[float]) -> str:
    return (f"median {statistics.median(values):5.2f} s  (min {min(values):.2f}, "
            f"max {max(values):.2f})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    bundles = sorted(DIST.glob("channeldesk-*-linux-*/ChannelDesk"))
    if not bundles:
        print("No bundle in dist/: run ./installer/build-linux.sh first.", file=sys.stderr)
        return 2
    bundle = bundles[-1]
    tarball = bundle.parent.parent / f"{bundle.parent.name}.tar.gz"

    mib = 1024 * 1024
    closure = desktop_closure()
    source_bytes = sum(closure.values())
    print(f"bundle  {bundle.parent.name}")
    print(f"  size on disk: bundle {folder_bytes(bundle) / mib:6.0f} MiB"
          + (f" (tarball {tarball.stat().st_size / mib:.0f} MiB)" if tarball.exists() else ""))
    print(f"                source install {source_bytes / mib:6.0f} MiB in site-packages "
          f"({len(closure)} distributions; largest: "
          + ", ".join(f"{name} {size / mib:.0f}" for name, size in
                      sorted(closure.items(), key=lambda item: -item[1])[:3])
          + f") + the Python it runs on ({python_runtime_bytes() / mib:.0f} MiB of "
            "standard library as installed here)")

    with tempfile.TemporaryDirectory(prefix="channeldesk-bench-bundle-") as folder:
        home = Path(folder)
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(home),
               "XDG_CONFIG_HOME": str(home / "config"), "XDG_STATE_HOME": str(home / "state"),
               "XDG_CACHE_HOME": str(home / "cache"), "CHANNELDESK_QUIT_AFTER_SHOWN": "1",
               "PYTHONPATH": str(REPO)}
        db = home / "demo.sqlite3"
        source = [sys.executable, "-m", "channeldesk"]
        frozen = [str(bundle / "channeldesk")]
        timed([*source, "demo", "--db", str(db)], env)
        kinds = {"source": source, "bundle": frozen}
        cases = {"--version": ["--version"], "window shown": ["--db", str(db)]}
        results: dict[tuple[str, str], list[float]] = {}
        for case, extra in cases.items():
            for command in kinds.values():
                timed([*command, *extra], env)  # warm the disk cache
            for _ in range(args.runs):
                for kind, command in kinds.items():
                    results.setdefault((kind, case), []).append(timed([*command, *extra], env))
    print(f"  start-up, {args.runs} interleaved runs each, offscreen, warm cache:")
    for case in cases:
        for kind in kinds:
            print(f"    {case:<13} {kind:<7} {summary(results[kind, case])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
