"""Running arithmetic for every operation: the named model of each op, what else was tried,
and why the recurrent NALU fails on `add`.

    python -m benchmarks.running_ops [--seeds 20] [--first-seed 0] [--recheck-first-seed 100]
                                     [--parts named,tried,nalu] [--report-only]

Every cell is a sweep of `arith_running` (trained on length 10, scored at 1000, success by the
1e-5-perturbed exact solution) in its own folder under --out, reused when it has finished.
  named  the model of each op in `tasks.arithmetic.settings.RUNNING_MODELS`, on --seeds seeds
         from --first-seed, and again on as many from --recheck-first-seed
  tried  the alternatives measured beside them: the same heads over a NAC cell, a NAU cell
         under a NMU head
  nalu   the recurrent NALU (NALU cell, NALU head) on add, the NALU as cell only (`nalu-nac`)
         and as head only (`nac-nalu`), with separate multiplicative weights and the gate
         starting at 0.5, and with every gate weight starting at 3 (on both seed sets); then
         each seed of the NALU model trained once more and its gates read at lengths 10, 100
         and 1000
"""

import os
import statistics
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

TRIED = [("div", "nac-realnpu"), ("sqrt", "nac-realnpu"), ("mul", "nau-nmu"),
         ("mul", "acc-nau-nmu"), ("square", "acc-nau-nmu")]
# The gate of the cell reads the state, g = sigmoid(G [h, x]); from a random G it moves as h
# grows. Started at G = 3 (every entry), g -> 1 for the positive inputs and states of the
# task: both NALUs start on their additive path and stay there as h grows.
GATE_START = {"unit_options": {"nalu": {"gate_initializer": {
    "class_name": "Constant", "config": {"value": 3.0}}}}}
NALU_VARIANTS = {"nalu": {}, "nalu-nac": {}, "nac-nalu": {},
                 "nalu separate, gate 0.5": {"unit_options": {"nalu": {
                     "separate_weights": True, "gate_initializer": "zeros"}}},
                 "nalu, gate start 3": GATE_START}
RECHECKED_VARIANTS = ("nalu, gate start 3",)  # also trained on the second set of seeds
GATE_LENGTHS = (10, 100, 1000)


def sweep(op, model, seeds, first_seed, args, changes=None, label=None):
    """The summary row of `model` on `op` over the seeds (run unless its folder has it)."""
    from benchmarks.common import finished_sweep
    from tasks.arithmetic.sweep import SweepConfig

    name = f"{label or model}-{op}-{first_seed}-{seeds}".replace(" ", "_").replace(",", "")
    folder = Path(args.out) / name
    config = SweepConfig(task="arith_running", ops=(op,), units=(model,), seeds=seeds,
                         first_seed=first_seed, out=args.out, name=name, quiet=True,
                         resume=folder.exists())
    if changes:
        config.plan = with_changes(config.plan, changes)
    saved = finished_sweep(config, args.report_only)
    if saved is None:
        return None
    [row] = saved["rows"]
    return {**row, "model": label or model, "first_seed": first_seed,
            "backend": saved.get("backend", "-")}


def with_changes(plan_of, changes):
    """`SweepConfig.plan` with settings `changes` (a variant's options) applied."""
    import dataclasses

    def plan(unit):
        resolved = plan_of(unit)
        return dataclasses.replace(resolved, settings=dataclasses.replace(
            resolved.settings, **changes))
    return plan


def nalu_gates(seeds, first_seed):
    """Train the recurrent NALU on add once more; per seed, the smallest gate of the cell
    (at the last step) and of the head over 20 sequences of each length."""
    import dataclasses

    import numpy as np
    from keras import ops

    from data.arithmetic import ArithmeticData
    from tasks.arithmetic.settings import default_settings
    from tasks.arithmetic.trainer import train_model

    data = ArithmeticData(op="add", form="running", input_size=10)
    settings = dataclasses.replace(default_settings("running", "nalu"), eval_samples=200)
    seed_list = list(range(first_seed, first_seed + seeds))
    model, results = train_model(data, settings, "nalu", seed_list)
    cell, head = model.layers
    rng = np.random.default_rng(12345)
    gates = {}
    for length in GATE_LENGTHS:
        inputs = ops.convert_to_tensor(rng.uniform(*data.interpolation,
                                                   (len(seed_list), 20, length, 10)))
        inputs = ops.cast(inputs, "float32")
        state = model.run_steps(inputs, model.states(inputs.shape[:2]))[0]
        last = ops.concatenate([state, inputs[:, :, -1]], axis=-1)
        head_gate = ops.sigmoid(ops.matmul(state, head.gate))
        gates[length] = {
            "cell_min": ops.convert_to_numpy(ops.min(ops.sigmoid(ops.matmul(
                last, cell.unit.gate)), axis=(1, 2))).tolist(),
            "head_min": ops.convert_to_numpy(ops.min(head_gate, axis=(1, 2))).tolist(),
            "head_max": ops.convert_to_numpy(ops.max(head_gate, axis=(1, 2))).tolist(),
            "largest_state": ops.convert_to_numpy(ops.max(ops.abs(state), axis=(1, 2))).tolist(),
        }
    return {"seeds": seed_list, "success": [r["success"] for r in results], "gates": gates}


def row_line(row):
    from tasks.arithmetic.summary import wilson_interval

    low, high = wilson_interval(row["successes"], row["seeds"])
    mse = row["median_extrapolation_mse"]
    return (f"| {row['op']} | `{row['model']}` | {row['first_seed']}-"
            f"{row['first_seed'] + row['seeds'] - 1} | {100 * row['success_rate']:.0f}% "
            f"[{100 * low:.0f}-{100 * high:.0f}] | "
            f"{'-' if mse is None else format(mse, '.3g')} | "
            f"{'-' if row['median_solved_at'] is None else int(row['median_solved_at'])} | "
            f"{row.get('backend', '-')} |")


def table(rows):
    lines = ["| op | model | seeds | success [95% Wilson] | median extrapolation MSE | "
             "median solved at | backend |", "|---|---|---|---:|---:|---:|---|"]
    return "\n".join(lines + [row_line(row) for row in rows if row])


def gate_table(diagnosis):
    """Per length: how many seeds' cell and head gates are fully on (min > 0.999) or off."""
    lines = ["| length | seeds with the cell's gate all on (> 0.999) | head's gate all on | "
             "head's gate all off (< 0.001) | median largest state |",
             "|---:|---:|---:|---:|---:|"]
    for length, gates in diagnosis["gates"].items():
        cell_on = sum(value > 0.999 for value in gates["cell_min"])
        head_on = sum(value > 0.999 for value in gates["head_min"])
        head_off = sum(value < 1e-3 for value in gates["head_max"])
        lines.append(f"| {length} | {cell_on} of {len(gates['cell_min'])} | {head_on} of "
                     f"{len(gates['head_min'])} | {head_off} of {len(gates['head_max'])} | "
                     f"{statistics.median(gates['largest_state']):.3g} |")
    return "\n".join(lines)


def main(argv=None):
    from benchmarks.common import or_fail

    return or_fail(lambda: run(argv))


def run(argv):
    from benchmarks.common import ROOT, parse_choices, parse_integers, parser, saved
    from benchmarks.publish import provenance, publish

    arguments = parser(__doc__, out="runs/running_ops", report_only=True, backend=True)
    from tasks.arithmetic.settings import RUNNING_MODELS  # Keras: after the backend choice

    arguments.add_argument("--seeds", default="20", help="seeds per cell")
    arguments.add_argument("--first-seed", default="0")
    arguments.add_argument("--recheck-first-seed", default="100",
                           help="first seed of the named models' second set")
    arguments.add_argument("--parts", default="named,tried,nalu")
    args = arguments.parse_args(argv)
    seeds = parse_integers("seeds", args.seeds)[0]
    first, recheck = (parse_integers(flag.replace("_", "-"), getattr(args, flag), 0)[0]
                      for flag in ("first_seed", "recheck_first_seed"))
    parts = parse_choices("parts", args.parts, ("named", "tried", "nalu"))
    import keras

    meta = provenance()
    sections, payload = [], {"backend": keras.backend.backend(), "seeds": seeds}
    if "named" in parts:
        rows = [sweep(op, model, seeds, start, args) for op, model in RUNNING_MODELS.items()
                for start in (first, recheck)]
        payload["named"] = rows
        sections.append("**The named model of each operation** "
                        "(`tasks/arithmetic/settings.py`, `RUNNING_MODELS`), on two sets "
                        "of seeds\n\n" + table(rows))
    tried = "**Tried beside them**\n\n"
    if "nalu" in parts:
        rows = [sweep("add", label.split()[0].rstrip(","), seeds, start, args, changes, label)
                for label, changes in NALU_VARIANTS.items()
                for start in ((first, recheck) if label in RECHECKED_VARIANTS else (first,))]
        payload["nalu"] = rows
        text = "**The recurrent NALU on add**\n\n" + table(rows)
        if not args.report_only:
            payload["nalu_gates"] = nalu_gates(seeds, first)
        elif (ROOT / "docs" / "results" / "running_ops.json").exists():  # as last published
            gates_meta, published = saved("running_ops")
            payload["nalu_gates"] = published.get("nalu_gates")
            payload["nalu_gates_from"] = published.get(
                "nalu_gates_from", {**gates_meta, "backend": published.get("backend")})
        if payload.get("nalu_gates"):
            text += ("\n\nGates of the NALU model (cell and head NALUs), trained once more on "
                     "the same seeds, read on 20 sequences per length:\n\n"
                     + gate_table(payload["nalu_gates"]))
        sections.append(text)
    if "tried" in parts:  # last: the longest part
        rows = [sweep(op, model, seeds, first, args) for op, model in TRIED]
        payload["tried"] = rows
        sections.insert(1 if "named" in parts else 0, tried + table(rows))
    text = "\n\n".join(sections)
    print(text)
    if not args.no_publish:
        note = ("Trained on length 10, scored at length 1,000, on the backend in each row "
                "(each backend draws its own initial weights); each row is one `python "
                "sweep.py --task arith_running` sweep with the model's recipe "
                "(`tasks/arithmetic/settings.py`, `tasks/arithmetic/units.py`).")
        if "nalu_gates_from" in payload:
            origin = payload["nalu_gates_from"]
            note += (f" The gate readings are those of `{origin['command']}` at commit "
                     f"`{origin['commit']}`, {origin['date']}, on {origin['backend']}.")
        publish("running_ops", "Running arithmetic: every operation over sequences",
                payload, text + "\n\n" + note, meta)
    return 0


if __name__ == "__main__":
    sys.exit(main())
