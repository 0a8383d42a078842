"""`./run bench`: every benchmark in bench/, one after another, each in its own process so one's
memory or threads cannot colour another's figures. Pass names to run a subset:

    python -m bench                 # all
    python -m bench codec imaging   # bench_codec.py and bench_imaging.py
"""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent


def main(argv: list[str]) -> int:
    wanted = set(argv)
    modules = sorted(p.stem for p in HERE.glob("bench_*.py"))
    chosen = [m for m in modules if not wanted or m.removeprefix("bench_") in wanted]
    unknown = wanted - {m.removeprefix("bench_") for m in modules}
    if unknown:
        print(f"bench: unknown benchmark(s) {', '.join(sorted(unknown))}; have: "
              f"{', '.join(m.removeprefix('bench_') for m in modules)}", file=sys.stderr)
        return 2
    failed = 0
    for name in chosen:
        print(f"\n## {name}  (python -m bench.{name})\n", flush=True)
        start = time.perf_counter()
        code = subprocess.call([sys.executable, "-m", f"bench.{name}"], cwd=HERE.parent)
        print(f"\n({name}: exit {code}, {time.perf_counter() - start:.0f} s)", flush=True)
        failed += code != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
