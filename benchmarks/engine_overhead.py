"""What the Ray engine costs against the local one: the same 4-job sweep, wall time of each.

    python -m benchmarks.engine_overhead [--steps 60000] [--seeds-per-job 1,20] [--backend auto]

The sweep: NAU `add`, 4 jobs of N seeds each (for each N of --seeds-per-job), `--steps`
steps, run as a user runs it
(`python sweep.py ...`), first with `--engine local`, then with `--engine ray` (an embedded
Ray started and stopped by the command, each job asking for 1 CPU), one after the other on
this machine; wall time from the command's start to its end, Ray's start-up included.
The per-seed results of the two are compared too. Writes docs/results/engine_overhead.json
and its section of docs/results.md.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import ROOT, or_fail, parse_integers, parser
from benchmarks.publish import provenance, publish


def sweep(engine, steps, per_job, backend, out):
    command = [sys.executable, str(ROOT / "sweep.py"), "--units", "nau", "--op", "add",
               "--seeds", str(4 * per_job), "--seeds-per-job", str(per_job), "--steps",
               str(steps), "--engine",
               engine, "--backend", backend, "--out", out, "--name", engine, "--quiet"]
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, cwd=ROOT,
                   env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    seconds = time.perf_counter() - started
    results = json.loads((Path(out) / engine / "results.json").read_text())
    return seconds, results


def main(argv=None):
    return or_fail(lambda: run(argv))


def run(argv):
    arguments = parser(__doc__, tensorflow=False)
    arguments.add_argument("--steps", default="60000")
    arguments.add_argument("--seeds-per-job", default="1,20")
    arguments.add_argument("--backend", default="auto")
    args = arguments.parse_args(argv)
    args.steps = parse_integers("steps", args.steps)[0]
    meta = provenance(started_load=list(os.getloadavg()))
    rounds = []
    for per_job in parse_integers("seeds-per-job", args.seeds_per_job):
        with tempfile.TemporaryDirectory() as out:
            local, local_results = sweep("local", args.steps, per_job, args.backend, out)
            ray, ray_results = sweep("ray", args.steps, per_job, args.backend, out)
        same = [(r["seed"], r["extrapolation_mse"]) for r in local_results["per_seed"]
                ["nau-nau/add"]] == [(r["seed"], r["extrapolation_mse"])
                                     for r in ray_results["per_seed"]["nau-nau/add"]]
        rounds.append({"seeds_per_job": per_job, "local_seconds": local, "ray_seconds": ray,
                       "ratio": ray / local, "same_per_seed_results": same,
                       "backend": local_results["backend"]})
        print(f"local {local:.1f} s, ray {ray:.1f} s, ratio {ray / local:.2f}, "
              f"same per-seed results: {same}", flush=True)
    lines = ["| seeds per job | backend | local wall s | ray wall s | ray / local | same "
             "per-seed results |", "|---:|---|---:|---:|---:|---|"]
    lines += [f"| {r['seeds_per_job']} | {r['backend']} | {r['local_seconds']:.1f} | "
              f"{r['ray_seconds']:.1f} | {r['ratio']:.2f} | "
              f"{'yes' if r['same_per_seed_results'] else 'no'} |"
              for r in rounds]
    table = "\n".join(lines)
    print(table)
    if args.no_publish:
        return 0
    note = (f"Sweep: NAU `add`, 4 jobs, {args.steps:,} steps; `--engine local` "
            "then `--engine ray` (embedded: started and stopped by the command), one after the "
            "other; wall time of the whole command.")
    publish("engine_overhead", "Ray engine against local", {"rounds": rounds,
            "steps": args.steps}, table + "\n\n" + note, meta, headline=table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
