"""Benchmark of the grouping solver on MDGPLIB (not a test): objective, gap to best known, seconds.

python bench/grouping.py            # the paper's time limit per instance (3 s / 20 s / 120 s)
python bench/grouping.py --quick    # 2 s per instance, what a convenor waits for in the browser
python bench/grouping.py --instance RanReal_n120_ss_01 --time-limit 5
"""

import argparse
import csv
import statistics
import sys
from pathlib import Path

from hiwar.grouping.mdgplib import read_instance
from hiwar.grouping.solver import solve

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "mdgplib"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="2 s per instance")
    parser.add_argument("--instance", help="only this instance (file name without .txt)")
    parser.add_argument("--time-limit", type=float, help="seconds per instance (overrides the paper's)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data", type=Path, default=DATA)
    args = parser.parse_args(argv)
    with (args.data / "best_known.csv").open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["best_known"]]
    if args.instance:
        rows = [r for r in rows if r["instance"] == args.instance]
    rows = [r for r in rows if int(r["n"]) < 960 or args.instance]
    solve(read_instance(args.data / "RanReal_n010_ds_01.txt"), time_limit=0.1)  # compile the kernels first
    gaps = []
    print(f"{'instance':<22} {'n':>4} {'G':>3} {'objective':>14} {'best known':>14} {'gap %':>7} {'s':>6}")
    for row in rows:
        problem = read_instance(args.data / f"{row['instance']}.txt")
        limit = args.time_limit or (2.0 if args.quick else float(row["paper_time_limit_s"]))
        solution = solve(problem, time_limit=limit, seed=args.seed)
        best = float(row["best_known"])
        gap = 100.0 * (best - solution.objective) / best
        gaps.append(gap)
        print(
            f"{row['instance']:<22} {problem.n:>4} {problem.groups:>3} {solution.objective:>14.3f} "
            f"{best:>14.3f} {gap:>7.3f} {solution.seconds:>6.1f}"
        )
    if gaps:
        print(f"mean gap {statistics.mean(gaps):.3f} % over {len(gaps)} instances (max {max(gaps):.3f} %)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
