"""The main job on each backend from one start: does a backend train differently, or does it
only draw other initial weights?

    python -m benchmarks.same_start [--start tensorflow] [--backends tensorflow,jax,torch]
                                    [--seed 0] [--task mnist_sum]

The same `--seed` draws different initial weights on each Keras backend (each seeds its own
generator). Here the default run's model is built once, under the `--start` backend with
`--seed`, and saved as the checkpoint of step 0 of a run folder per backend, with the run's
config; each backend then trains it to the end with `python train.py --resume FOLDER` (the
batches are a function of the seed and the step only, so every backend sees the same ones).
The start backend's own run is the control: it must land on the main job's run of that
seed. Writes the section "Main job from one start" of docs/results.md beside the start
backend's seed range from `python -m benchmarks.main_job` (docs/results/main_job.json).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

from benchmarks import common
from benchmarks.common import ROOT
from benchmarks.publish import provenance, publish
from cli import BACKENDS


def write_start(folder, task_name, seed):
    """A run folder holding the default run's model of `seed`, built under this process's
    backend as train.py builds it, as the checkpoint of step 0, and the run's config."""
    import keras

    from tasks import get_task
    from tasks.mnist.training import save_checkpoint
    from tasks.runner import prepare
    from tasks.runs import write_json

    folder = Path(folder)
    task = get_task(task_name)
    _, config = prepare(task.config_class(task=task_name, seed=seed, out=str(folder.parent),
                                          name=folder.name, quiet=True))
    folder.mkdir(parents=True, exist_ok=True)
    write_json(folder / "config.json", config.to_json())
    keras.utils.set_random_seed(config.seed)  # as tasks.mnist.training.fit_with_checkpoints
    save_checkpoint(task.make_model(config), folder, 0)


def run_from_start(folder, task_name, seed, start, backend):
    """Train `folder` (its start written under `start` first) to the end under `backend`;
    a folder without results is begun again. Returns its results.json."""
    folder = Path(folder)
    results = folder / "results.json"
    if results.exists():
        return json.loads(results.read_text())
    if folder.exists():
        import shutil

        shutil.rmtree(folder)
    print(f"{folder.name}: start under {start}, training under {backend}", flush=True)
    for environment, command in (
            (start, ["-c", "import sys; from benchmarks.same_start import write_start; "
                           "write_start(sys.argv[1], sys.argv[2], int(sys.argv[3]))",
                     str(folder), task_name, str(seed)]),
            (backend, [str(ROOT / "train.py"), "--resume", str(folder), "--quiet"])):
        subprocess.run([sys.executable, *command], check=True, cwd=ROOT,
                       stdout=subprocess.DEVNULL,
                       env={**os.environ, "KERAS_BACKEND": environment})
    return json.loads(results.read_text())


def main(argv=None):
    return common.or_fail(lambda: run(argv))


def run(argv):
    arguments = common.parser(__doc__, out="runs/same_start", report_only=True,
                              tensorflow=False)
    arguments.add_argument("--start", default="tensorflow", help="backend that draws the start")
    arguments.add_argument("--backends", default="tensorflow,jax,torch",
                           help="backends that train from it")
    arguments.add_argument("--seed", default="0")
    arguments.add_argument("--task", default="mnist_sum")
    args = arguments.parse_args(argv)
    start = common.parse_choices("start", args.start, BACKENDS)[0]
    backends = common.parse_choices("backends", args.backends, BACKENDS)
    seed = common.parse_integers("seed", args.seed, minimum=0)[0]
    common.parse_choices("task", args.task, ("mnist_sum", "mnist_count"))
    meta = provenance()
    rows = []
    for backend in backends:
        folder = Path(args.out) / f"{args.task}-seed{seed}-{start}-start-{backend}"
        if args.report_only and not (folder / "results.json").exists():
            continue
        results = run_from_start(folder, args.task, seed, start, backend)
        rows.append({"backend": backend, "mae": {length: metric["mae"] for length, metric
                                                 in results["metrics"].items()}})
    if not rows:
        from errors import UsageError

        raise UsageError(f"--out {args.out}: no finished runs to report")
    text = markdown(rows, start, seed, args.task)
    print(text)
    if not args.no_publish:
        publish("same_start", "Main job from one start",
                {"start": start, "seed": seed, "task": args.task, "runs": rows}, text, meta)
    return 0


def main_job_runs(task):
    """The published main-job runs of `task` ({backend: [rows]}), or {} when there are none."""
    name = "main_job" if task == "mnist_sum" else f"main_job_{task}"
    path = ROOT / "docs" / "results" / f"{name}.json"
    if not path.exists():
        return {}
    found = {}
    for row in json.loads(path.read_text())["runs"]:
        found.setdefault(row.get("backend", "tensorflow"), []).append(row)
    return found


def markdown(rows, start, seed, task):
    lengths = list(rows[0]["mae"])
    published = main_job_runs(task)
    table_rows = [[f"{row['backend']} from {start}'s start (seed {seed})",
                   *(f"{row['mae'][length]:.3g}" for length in lengths)] for row in rows]
    for backend, runs in published.items():
        cells = []
        for length in lengths:
            values = [run["mae"][length] for run in runs if length in run["mae"]]
            cells.append(f"{min(values):.3g}-{max(values):.3g}" if values else "-")
        seeds = ",".join(str(run["seed"]) for run in runs)
        table_rows.append([f"{backend}, its own starts (main job, seeds {seeds})", *cells])
    table = common.markdown_table(["runs", *(f"MAE @{length}" for length in lengths)],
                                  table_rows)
    note = (f"Each run: the default `{task}` model built under {start} with seed {seed} "
            "(as train.py builds it), saved as the checkpoint of step 0, then `python "
            "train.py --resume` under each backend: the same start and the same batches on "
            "every backend. The last rows: the range of each backend's own main-job runs "
            "(`python -m benchmarks.main_job`), each started from that backend's own draw.")
    return table + "\n\n" + note


if __name__ == "__main__":
    sys.exit(main())
