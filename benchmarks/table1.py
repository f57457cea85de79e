"""The NALU paper's Table 1: static and recurrent arithmetic, six operations, scored in the
paper's normalised RMSE and by the success criterion.

    python -m benchmarks.table1 [--seeds 10] [--forms static,running] [--report-only]

Models as in the paper: static ReLU6 (`mlp`), None (`none`, the same MLP without an
activation), NAC and NALU (two layers each); recurrent LSTM, ReLU RNN (`rnn_relu`), NAC and
NALU cells. Each (form, model) is one sweep (`tasks.sweep`, every op, the recipe's steps) in
its own folder under --out, resumed where it stopped.

Normalised RMSE = 100 * sqrt(MSE / MSE of a random model): the random model's MSE is the
median over --inits random initialisations of the same model on the same kind of data, so a
random model scores 100 and an exact one 0. Interpolation: the training range (recurrent: the
training length); extrapolation: the test range (recurrent: length 1000). Success: the
extrapolation MSE is below that of the exact solution with every weight moved by 1e-5
(`tasks.arithmetic_training`), with its 95% Wilson interval.
"""

import json
import os
import statistics
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

FORMS = {"static": ("arith_static", ("mlp", "none", "nac", "nalu")),
         "running": ("arith_running", ("lstm", "rnn_relu", "nac", "nalu"))}
LABELS = {"mlp": "ReLU6", "none": "None", "nac": "NAC", "nalu": "NALU", "lstm": "LSTM",
          "rnn_relu": "ReLU"}
OPS = ("add", "sub", "mul", "div", "square", "sqrt")
SYMBOLS = {"add": "a + b", "sub": "a - b", "mul": "a * b", "div": "a / b", "square": "a^2",
           "sqrt": "sqrt(a)"}
# Trask et al. 2018, Table 1, recalled (approximate): per op, the models in FORMS order,
# static then recurrent; None = not recalled; 1000 stands for the paper's ">999"
PAPER = {
    "interpolation": {
        "add": (0.2, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0),
        "sub": (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0),
        "mul": (3.2, 20.9, 21.4, 0.0, 0.0, 0.0, 1.5, 0.0),
        "div": (4.2, 35.0, 37.1, 5.3, 0.0, 0.0, 1.2, 0.0),
        "square": (0.7, 4.3, 22.4, 0.0, 0.0, 0.0, 1.6, 0.0),
        "sqrt": (0.5, 2.2, 3.6, 0.0, 0.0, 0.0, 0.1, 0.0),
    },
    "extrapolation": {
        "add": (42.6, 0.0, 0.0, 0.0, 96.1, 85.5, 0.0, 0.0),
        "sub": (29.0, 0.0, 0.0, 0.0, 97.0, 70.9, 0.0, 0.0),
        "mul": (10.1, 29.5, 33.3, 0.0, 98.2, 97.9, 88.4, 0.0),
        "div": (37.2, 52.3, 61.3, 0.7, 95.6, 863.5, 1000, 1000),
        "square": (47.0, 25.1, 53.3, 0.0, 98.0, 98.0, 123.7, 0.0),
        "sqrt": (13.3, 20.0, 16.4, 0.0, 95.6, 4.4, 53.8, 0.0),
    },
}
BASELINE_SAMPLES = {"static": 1000, "running": 200}  # eval_samples of the random models


def random_mse(config, model_name, op, inits):
    """Median interpolation and extrapolation MSE of `inits` random initialisations."""
    from tasks.arithmetic_training import random_start_mse

    data = config.data(op)
    return random_start_mse(data, config.settings(model_name), model_name, inits,
                            BASELINE_SAMPLES[data.form])


def sweep_config(form, model, args):
    from tasks.sweep import SweepConfig

    task, _ = FORMS[form]
    return SweepConfig(task=task, ops=OPS, units=(model,), seeds=args.seeds, quiet=True,
                       out=args.out, name=f"{form}-{model}", resume=True, steps=args.steps)


def score(form, model, args):
    """Per op: the sweep's per-seed results, the random baseline, normalised errors."""
    import math

    from tasks.sweep import run_sweep, summarize

    config = sweep_config(form, model, args)
    folder = Path(args.out) / config.name
    if not args.report_only:
        run_sweep(config)
    if not (folder / "results.json").exists():
        return None
    per_seed = json.loads((folder / "results.json").read_text())["per_seed"]
    scores = {}
    for op in OPS:
        results = per_seed.get(f"{config.label(model)}/{op}")
        if not results:
            continue
        baseline = random_mse(config, model, op, args.inits)
        normalised = {}
        for index, key in enumerate(("interpolation", "extrapolation")):
            values = [100 * math.sqrt(r[f"{key}_mse"] / baseline[index])
                      if r[f"{key}_mse"] is not None and math.isfinite(r[f"{key}_mse"])
                      else math.inf for r in results]
            normalised[key] = {"median": statistics.median(values), "low": min(values),
                               "high": max(values), "random_mse": baseline[index]}
        scores[op] = {**normalised, "success": summarize(config.label(model), op, results)}
    return scores


def figure(value):
    if value is None:
        return "-"
    if value == float("inf") or value >= 1000:
        return ">999"
    return f"{value:.1f}" if value >= 0.1 or value == 0 else f"{value:.1g}"


def markdown(scores):
    columns = [(form, model) for form, (_, models) in FORMS.items() for model in models]
    header = ("| op | " + " | ".join(f"{'static' if form == 'static' else 'recurrent'} "
                                      f"{LABELS[model]}" for form, model in columns) + " |")
    rule = "|---|" + "---:|" * len(columns)
    blocks = []
    for key in ("interpolation", "extrapolation"):
        lines = [f"**{key.capitalize()}**, normalised RMSE (random = 100): ours, median of "
                 "the seeds (paper)", "", header, rule]
        for op in OPS:
            cells = []
            for column, (form, model) in enumerate(columns):
                entry = scores.get(form, {}).get(model, {}).get(op)
                paper = PAPER[key][op][column]
                cells.append("-" if entry is None else
                             f"{figure(entry[key]['median'])} ({figure(paper)})")
            lines.append(f"| {SYMBOLS[op]} | " + " | ".join(cells) + " |")
        blocks.append("\n".join(lines))
    lines = ["**Success** (extrapolation MSE under the 1e-5-perturbed exact solution): rate "
             "[95% Wilson interval]", "", header, rule]
    for op in OPS:
        cells = []
        for form, model in columns:
            entry = scores.get(form, {}).get(model, {}).get(op)
            success = entry and entry["success"]
            cells.append("-" if not success else
                         f"{100 * success['success_rate']:.0f}% "
                         f"[{100 * success['wilson_low']:.0f}-{100 * success['wilson_high']:.0f}]")
        lines.append(f"| {SYMBOLS[op]} | " + " | ".join(cells) + " |")
    blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def headline(scores):
    """One table for the README: per cell the extrapolation error, median of the seeds, the
    paper's in brackets, and the share of seeds that succeed."""
    columns = [(form, model) for form, (_, models) in FORMS.items() for model in models]
    lines = ["| extrapolation | " + " | ".join(
        f"{'static' if form == 'static' else 'recurrent'} {LABELS[model]}"
        for form, model in columns) + " |", "|---|" + "---:|" * len(columns)]
    for op in OPS:
        cells = []
        for column, (form, model) in enumerate(columns):
            entry = scores.get(form, {}).get(model, {}).get(op)
            cells.append("-" if entry is None else
                         f"{figure(entry['extrapolation']['median'])} "
                         f"({figure(PAPER['extrapolation'][op][column])}) "
                         f"{100 * entry['success']['success_rate']:.0f}%")
        lines.append(f"| {SYMBOLS[op]} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main():
    from cli import or_fail

    return or_fail(run)


def run():
    from benchmarks.publish import provenance, publish, sweep_benchmark_parser
    from cli import integers

    parser = sweep_benchmark_parser(__doc__, "runs/table1")
    parser.add_argument("--seeds", type=int, default=10, help="seeds per (model, op)")
    parser.add_argument("--forms", default="static,running")
    parser.add_argument("--inits", type=int, default=100,
                        help="random initialisations behind the baseline MSE")
    parser.add_argument("--steps", type=int, default=None,
                        help="training steps of every run (default: each recipe's)")
    args = parser.parse_args()
    forms = args.forms.split(",")
    for form in forms:
        if form not in FORMS:
            parser.error(f"--forms {form}: choose from {', '.join(FORMS)}")
    for flag in ("seeds", "inits", "steps"):
        if getattr(args, flag) is not None:
            integers(flag, str(getattr(args, flag)), minimum=1)
    meta = provenance()
    scores = {form: {} for form in forms}
    for form in forms:
        for model in FORMS[form][1]:
            scored = score(form, model, args)
            if scored:
                scores[form][model] = scored
    text = markdown(scores)
    print(text)
    if args.no_publish:
        return 0
    import keras

    note = (f"Each cell: `python sweep.py --task TASK --units MODEL --op all --seeds "
            f"{args.seeds}` with the recipe's steps (`tasks/arithmetic_training.py`), on "
            f"{keras.backend.backend()}. Random baseline: the median MSE of {args.inits} random "
            "initialisations of the same model (per op and range, in the JSON). Paper: Trask "
            "et al. 2018, Table 1, recalled (approximate); its recurrent ReLU column is an RNN "
            "with ReLU units. The runs may have been made before this report; the commit is "
            "the report's.")
    publish("table1", "Table 1: arithmetic in the paper's metric", {"scores": scores},
            text + "\n\n" + note, meta, headline=headline(scores))
    return 0


if __name__ == "__main__":
    sys.exit(main())
