"""Killed at any moment, nothing is lost: train.py, evaluate.py, sweep.py and a benchmark
grid are each stopped with SIGKILL at a seeded random moment and while a result file is
being written (`NALU_KILL_WHILE_WRITING`, tasks/runs.py); afterwards every file is whole,
and resuming or running the command again ends with the results of an uninterrupted run.
"""

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import zipfile

from tasks.runs import KILL_WHILE_WRITING
from tests.conftest import ROOT, TINY, run_script

ENVIRONMENT = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""}


def command_line(script, arguments):
    head = [str(ROOT / script)] if script.endswith(".py") else ["-m", script]
    return [sys.executable, *head, *arguments]


def timed(script, *arguments):
    """Run a command to the end; its wall seconds (the range the kill moments are drawn in)."""
    started = time.perf_counter()
    run_script(script, *arguments)
    return time.perf_counter() - started


def kill(script, arguments, after=None, writing=None):
    """Run the command in its own process group and SIGKILL the group `after` seconds in, or
    let it kill itself when it is about to put the file named `writing` in place. True when
    it was killed (a late moment may find it finished)."""
    environment = dict(ENVIRONMENT)
    if writing:
        environment[KILL_WHILE_WRITING] = writing
    child = subprocess.Popen(command_line(script, arguments), cwd=ROOT, env=environment,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True)
    try:
        child.wait(timeout=after if after is not None else 300)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        child.wait()
    if writing:
        assert child.returncode == -signal.SIGKILL, f"never wrote {writing}"
    return child.returncode == -signal.SIGKILL


def moment(name, seconds):
    """A seeded moment in the latter 70% of an uninterrupted run's wall time."""
    return round(seconds * random.Random(f"faults-{name}").uniform(0.3, 1.0), 2)


def assert_whole(folder):
    """Every file in `folder` (but a temporary one beside its target) reads whole."""
    for path in folder.rglob("*"):
        if not path.is_file() or ".partial." in path.name:
            continue
        if path.suffix == ".json":
            json.loads(path.read_text())
        elif path.suffix == ".keras":
            with zipfile.ZipFile(path) as archive:
                assert archive.testzip() is None, path
        elif path.suffix == ".md":
            assert path.read_text().endswith("\n"), path


def scores(metrics):
    """The figures of an evaluation, without its timings."""
    return {length: (metric["mae"], metric["accuracy"]) for length, metric in metrics.items()}


def test_train_killed_anywhere_resumes_to_the_uninterrupted_result(tmp_path, small_digits):
    """train.py killed at a seeded moment and mid-write resumes to the uninterrupted result."""
    common = [*TINY, "--steps", "60", "--checkpoint-every", "10", "--digits", small_digits,
              "--out", str(tmp_path)]
    seconds = timed("train.py", *common, "--name", "whole")
    whole = json.loads((tmp_path / "whole" / "results.json").read_text())
    cases = [("at", moment("train", seconds), None)]
    cases.append(("writing", None, "results.json"))
    for index, (kind, after, writing) in enumerate(cases):
        name = f"cut{index}"
        folder = tmp_path / name
        kill("train.py", [*common, "--name", name], after, writing)
        if folder.exists():
            assert_whole(folder)
        if not (folder / "config.json").exists():  # killed before the run folder was made
            shutil.rmtree(folder, ignore_errors=True)
            run_script("train.py", *common, "--name", name)
        elif not (folder / "results.json").exists():
            run_script("train.py", "--resume", str(folder), "--quiet")
        resumed = json.loads((folder / "results.json").read_text())
        assert resumed["steps"] == whole["steps"] == 60
        assert scores(resumed["metrics"]) == scores(whole["metrics"]), (kind, after, writing)


def test_evaluate_killed_anywhere_reruns_to_the_uninterrupted_result(tmp_path, finished_run):
    """evaluate.py killed at a seeded moment and mid-write reruns to the uninterrupted result."""
    arguments = ["--lengths", "3,200", "--sequences", "16", "--quiet"]
    whole = shutil.copytree(finished_run, tmp_path / "whole")
    seconds = timed("evaluate.py", str(whole), *arguments)
    expected = scores(json.loads((whole / "results.json").read_text())["metrics"])
    cases = [(moment("evaluate", seconds), None)]
    cases.append((None, "results.json"))
    for index, (after, writing) in enumerate(cases):
        run = shutil.copytree(finished_run, tmp_path / f"cut{index}")
        kill("evaluate.py", [str(run), *arguments], after, writing)
        assert_whole(run)
        run_script("evaluate.py", str(run), *arguments)
        assert scores(json.loads((run / "results.json").read_text())["metrics"]) == expected


def sweep_figures(folder):
    """A sweep's rows and per-seed results, without their timings."""
    results = json.loads((folder / "results.json").read_text())
    rows = [{key: value for key, value in row.items() if key != "seconds"}
            for row in results["rows"]]
    per_seed = {pair: [{key: value for key, value in seed.items() if key != "train_seconds"}
                       for seed in seeds] for pair, seeds in results["per_seed"].items()}
    return rows, per_seed


def test_sweep_killed_anywhere_resumes_to_the_uninterrupted_result(tmp_path):
    """sweep.py killed at a seeded moment and mid-write resumes to the uninterrupted result."""
    common = ["--task", "arith_static", "--op", "add", "--units", "nau,linear", "--seeds", "2",
              "--steps", "300", "--lr", "0.01", "--out", str(tmp_path), "--quiet"]
    seconds = timed("sweep.py", *common, "--name", "whole")
    expected = sweep_figures(tmp_path / "whole")
    cases = [(moment("sweep", seconds), None)]
    cases.append((None, "linear-add-seeds0-1.json"))
    for index, (after, writing) in enumerate(cases):
        name = f"cut{index}"
        kill("sweep.py", [*common, "--name", name], after, writing)
        if (tmp_path / name).exists():
            assert_whole(tmp_path / name)
        if not (tmp_path / name / "results.json").exists():
            run_script("sweep.py", *common, "--name", name, "--resume")
        assert sweep_figures(tmp_path / name) == expected, (after, writing)


def test_a_benchmark_grid_killed_anywhere_reruns_to_the_uninterrupted_table(tmp_path,
                                                                            small_digits):
    """The table2 grid killed at a seeded moment and mid-write reruns to the same table."""
    def arguments(out):
        return ["--tasks", "mnist_sum", "--cores", "nac", "--encoders", "layer", "--seeds",
                "0", "--digits", small_digits, "--out", str(out), "--no-publish", "--",
                "--steps", "3", "--len", "3", "--batch-size", "2", "--eval-sequences", "4",
                "--eval-lengths", "10,100"]

    def table(output):  # the rows without their last column, the training seconds
        return [line.rstrip(" |").rsplit("|", 1)[0] for line in output.splitlines()
                if line.startswith("|")]

    started = time.perf_counter()
    expected = table(run_script("benchmarks.table2", *arguments(tmp_path / "whole")).stdout)
    seconds = time.perf_counter() - started
    cut = tmp_path / "cut"
    kill("benchmarks.table2", arguments(cut), after=moment("table2", seconds))
    assert_whole(cut)
    if not (cut / "jobs" / "mnist_sum-nac-layer-seed0.json").exists():
        kill("benchmarks.table2", arguments(cut), writing="mnist_sum-nac-layer-seed0.json")
        assert_whole(cut)
    again = run_script("benchmarks.table2", *arguments(cut)).stdout
    assert table(again) == expected and len(expected) >= 3
