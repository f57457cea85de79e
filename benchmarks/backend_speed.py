"""The batched arithmetic trainer on every installed Keras backend: speed and success.

    python -m benchmarks.backend_speed                 # speed, then the success checks
    python -m benchmarks.backend_speed --speed-only

Speed: NAU `add` (static task, 100 inputs -> 2 -> 1) trained for --steps steps at 1, 20 and
100 seeds, each backend in its own process, one after the other on the same machine;
seed-steps/s = seeds x steps / training seconds (the compile of the first block counted).
Success: 100 seeds of NAU `add` with the full recipe on TensorFlow and on each other
backend, and 100 seeds of NAU -> NMU `mul` on the fastest backend at 100 seeds, each with its
Wilson interval. Writes `docs/results/backend_speed.json` and its section of docs/results.md.
"""

import argparse
import importlib.util
import json
import os
import subprocess
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

BACKENDS = ("tensorflow", "jax", "torch")
SEED_COUNTS = (1, 20, 100)


def worker(kind, seeds, steps, unit, op):
    """In this process (on $KERAS_BACKEND): one sweep configuration; print its JSON."""
    import keras

    from tasks.arithmetic.summary import summarize
    from tasks.arithmetic.sweep import SweepConfig
    from tasks.arithmetic.trainer import train_copies

    config = SweepConfig(units=(unit,), ops=(op,), seeds=seeds, steps=steps)
    [plan] = config.validate()
    results = train_copies(config.data(op), plan.settings, unit, range(seeds))
    seconds = results[0]["train_seconds"]
    print(json.dumps({"backend": keras.backend.backend(), "kind": kind, "seeds": seeds,
                      "steps": plan.settings.steps, "unit": unit, "op": op,
                      "train_seconds": seconds,
                      "seed_steps_per_second": seeds * plan.settings.steps / seconds,
                      "summary": summarize(plan.label, op, results)}))


def measure(backend, kind, seeds, steps, unit="nau", op="add"):
    """One worker run under `backend`; its JSON."""
    environment = {**os.environ, "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "3",
                   "CUDA_VISIBLE_DEVICES": ""}
    command = [sys.executable, "-m", "benchmarks.backend_speed", "--worker", kind,
               "--seeds", str(seeds), "--unit", unit, "--op", op]
    if steps:
        command += ["--steps", str(steps)]
    done = subprocess.run(command, capture_output=True, text=True, env=environment,
                          check=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"{backend:>10} {kind:>7} {unit} {op} {seeds:>3} seeds: "
          f"{result['seed_steps_per_second']:>9,.0f} seed-steps/s, success "
          f"{result['summary']['successes']}/{seeds}", flush=True)
    return result


def markdown(speed, success):
    backends = list(speed)
    lines = ["| seeds | " + " | ".join(f"{b} seed-steps/s" for b in backends)
             + " | fastest / tensorflow |", "|---:|" + "---:|" * (len(backends) + 1)]
    for index, seeds in enumerate(SEED_COUNTS):
        rates = {b: speed[b][index]["seed_steps_per_second"] for b in backends}
        best = max(rates.values())
        lines.append(f"| {seeds} | " + " | ".join(f"{rates[b]:,.0f}" for b in backends)
                     + f" | {best / rates['tensorflow']:.2f}x |")
    if success:
        lines += ["", "| backend | unit | op | seeds | steps | success | 95% interval "
                  "| seed-steps/s |", "|---|---|---|---:|---:|---:|---|---:|"]
        for result in success:
            row = result["summary"]
            lines.append(f"| {result['backend']} | {row['unit']} | {row['op']} | "
                         f"{row['seeds']} | {result['steps']:,} | "
                         f"{100 * row['success_rate']:.0f}% | [{100 * row['wilson_low']:.0f}%, "
                         f"{100 * row['wilson_high']:.0f}%] | "
                         f"{result['seed_steps_per_second']:,.0f} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=None)
    parser.add_argument("--speed-only", action="store_true")
    parser.add_argument("--no-publish", action="store_true")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--seeds", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--unit", default="nau", help=argparse.SUPPRESS)
    parser.add_argument("--op", default="add", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args.worker, args.seeds, args.steps, args.unit, args.op)

    from benchmarks.publish import provenance, publish

    meta = provenance(started_load=list(os.getloadavg()))
    installed = [b for b in BACKENDS if importlib.util.find_spec(b) is not None]
    speed_steps = args.steps or 3000
    speed = {backend: [measure(backend, "speed", seeds, speed_steps) for seeds in SEED_COUNTS]
             for backend in installed}
    fastest = max(installed, key=lambda b: speed[b][-1]["seed_steps_per_second"])
    success = []
    if not args.speed_only:
        success += [measure(backend, "success", 100, None) for backend in installed
                    if backend != "torch" or fastest == "torch"]  # eager torch: hours
        success.append(measure(fastest, "success", 100, None, unit="nmu", op="mul"))
    table = markdown(speed, success)
    print(table)
    if args.no_publish:
        return 0
    note = (f"Speed: NAU `add`, {speed_steps:,} steps, the full recipe's settings otherwise; "
            "each backend in its own process, one after the other. Success: the recipe's "
            "steps (`tasks/arithmetic/settings.py`). Fastest at 100 seeds here: "
            f"**{fastest}**. The PyTorch trainer runs eagerly, one step per Python call, so "
            "its 100-seed success run is skipped unless it is the fastest.")
    publish("backend_speed", "Arithmetic trainer on each Keras backend",
            {"speed": speed, "success": success, "fastest": fastest},
            table + "\n\n" + note, meta, headline=table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
