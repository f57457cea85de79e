"""The benchmark scripts' plumbing: results sections, and Table 2's restartable grid."""

import json

import pytest

from benchmarks import publish as publishing
from tests.conftest import refused_in_process


def test_publish_replaces_its_own_section_and_keeps_the_others(tmp_path, monkeypatch):
    """Publishing replaces its own section and README block, keeps the others, saves provenance."""
    results, readme = tmp_path / "results.md", tmp_path / "README.md"
    readme.write_text("intro\n<!-- begin a -->\nold\n<!-- end a -->\noutro\n")
    monkeypatch.setattr(publishing, "RESULTS", results)
    monkeypatch.setattr(publishing, "README", readme)
    meta = publishing.provenance()
    publishing.publish("a", "Part A", {"x": 1}, "| a | 1 |", meta, headline="| a | 1 |")
    publishing.publish("b", "Part B", {"x": 2}, "| b | 2 |", meta)
    publishing.publish("a", "Part A", {"x": 3}, "| a | 3 |", meta, headline="| a | 3 |")
    text = results.read_text()
    assert text.count("## Part A") == 1 and "| a | 3 |" in text and "| a | 1 |" not in text
    assert "| b | 2 |" in text and meta["machine"]["cpu"] in text
    assert readme.read_text().startswith("intro\n<!-- begin a -->\n| a | 3 |")
    assert readme.read_text().endswith("<!-- end a -->\noutro\n")
    saved = json.loads((tmp_path / "results" / "a.json").read_text())
    assert saved["x"] == 3 and saved["commit"] and saved["machine"]["cores"] >= 1


def test_table2_runs_the_grid_once_and_summarises_over_seeds(tmp_path, small_digits, capsys):
    """The grid trains each run once, retrains a stopped one, and gives median and range."""
    from benchmarks.table2 import main

    out = tmp_path / "grid"
    arguments = ["--tasks", "mnist_sum", "--cores", "nac", "--encoders", "layer", "--seeds", "0,1",
                 "--digits",
                 small_digits, "--out", str(out), "--no-publish", "--", "--steps", "3",
                 "--len", "3", "--batch-size", "2", "--eval-sequences", "4",
                 "--eval-lengths", "10,100"]
    main(arguments)
    first = capsys.readouterr().out
    assert first.count("training ") == 2
    maes = [json.loads((out / f"mnist_sum-nac-layer-seed{seed}" / "results.json").read_text())
            ["metrics"]["100"]["mae"] for seed in (0, 1)]
    assert f"{min(maes):.3g}-{max(maes):.3g}" in first
    assert f"**{sum(maes) / 2:.3g}**" in first
    (out / "mnist_sum-nac-layer-seed1" / "results.json").unlink()  # as if stopped mid-run
    (out / "jobs" / "mnist_sum-nac-layer-seed1.json").unlink()
    main(arguments)
    second = capsys.readouterr().out
    assert second.count("training ") == 1 and "mnist_sum-nac-layer-seed1" in second


@pytest.mark.parametrize("arguments, message", [
    (["--cores", "nac,abacus"], "--cores nac,abacus: unknown core abacus"),
    (["--seeds", "0,x"], "--seeds 0,x"),
    (["--encoders", "layer,batch"], "--encoders layer,batch"),
    (["--report-only", "--out", "/no/such/grid"], "--out /no/such/grid: no finished runs"),
])
def test_table2_bad_input_is_one_line(arguments, message, capsys):
    """Unknown core, bad seeds, nothing to report: one line, exit 2."""
    from benchmarks.table2 import main

    code, lines = refused_in_process(main, ["--no-publish", *arguments], capsys)
    assert code == 2 and len(lines) == 1 and message in lines[0]


def test_main_job_counts_a_training_step_from_the_encoders_layers():
    """The GFLOP of a step: the encoder's multiply-adds, 2 FLOP each, forward and backward."""
    from benchmarks.main_job import training_gflop_per_step
    from tasks import get_task
    from tasks.mnist.config import MnistConfig

    task = get_task("mnist_sum")
    model = task.make_model(MnistConfig(task="mnist_sum").resolved(task.defaults))
    per_image = (24 * 24 * 5 * 5 * 1 * 20 + 8 * 8 * 5 * 5 * 20 * 50 + 4 * 4 * 50 * 500 + 500 * 1)
    assert training_gflop_per_step(model, 320) == pytest.approx(3 * 2 * per_image * 320 / 1e9)


def test_main_job_refuses_an_unknown_backend_in_one_line(capsys):
    """--backends naming no Keras backend: one line, exit 2, nothing run."""
    from benchmarks.main_job import main

    code, lines = refused_in_process(main, ["--backends", "tensorflow,mxnet"], capsys)
    assert code == 2 and len(lines) == 1 and "--backends tensorflow,mxnet" in lines[0]


def _finished_main_job(folder, mae, wall=300.0, gflops=200.0):
    """A run folder as `benchmarks.main_job` leaves it when the run finished."""
    import json

    (folder / "run").mkdir(parents=True)
    metrics = {length: {"mae": value, "accuracy": 0.5} for length, value in
               zip(("10", "100", "1000"), mae, strict=True)}
    (folder / "run" / "results.json").write_text(json.dumps(
        {"metrics": metrics, "digits": "test digits", "steps": 8000, "train_seconds": 250.0}))
    (folder / "timing.json").write_text(json.dumps({"wall_seconds": wall,
                                                    "matmul_gflops": gflops}))


def test_main_job_reuses_finished_runs_and_sets_backends_against_the_seed_range(
        tmp_path, capsys):
    """A finished run is read, not run again; an unfinished one is skipped under
    --report-only; the wall is scaled by the run's own matmul rate; another backend's MAE
    is placed against the first backend's seeds."""
    from benchmarks.main_job import report, timed_run

    _finished_main_job(tmp_path / "tf0", (0.6, 2.5, 10.0), wall=350.0, gflops=150.0)
    _finished_main_job(tmp_path / "tf1", (0.7, 3.0, 14.0))
    _finished_main_job(tmp_path / "jax0", (0.65, 3.5, 12.0))
    rows = [timed_run(tmp_path / name, "mnist_sum", seed, backend, train=False)
            for name, seed, backend in (("tf0", 0, "tensorflow"), ("tf1", 1, "tensorflow"),
                                        ("jax0", 0, "jax"))]
    assert timed_run(tmp_path / "torch0", "mnist_sum", 0, "torch", train=False) is None
    assert not (tmp_path / "torch0").exists()
    report("mnist_sum", {}, {"runs": rows, "training_gflop_per_step": 2.2,
                             "encoder_images_per_second": 1.0,
                             "evaluation_images_per_second": 1.0}, publish_it=False)
    out = capsys.readouterr().out
    assert "| tensorflow | 0 | 350 s | 150 GFLOP/s | 300 s |" in out
    assert "Median wall time over the tensorflow seeds, at 175 GFLOP/s: 321 s." in out
    assert ("jax runs against the range of the tensorflow seeds: @10 inside (0.6-0.7), "
            "@100 above (2.5-3), @1000 inside (10-14)") in out


@pytest.mark.parametrize("points", ["4000", "4000x0", "4000x32,x16", "4000x3.5"])
def test_steps_curve_refuses_a_bad_point_in_one_line(points, capsys):
    """--points that are not STEPSxBATCH with positive whole numbers: one line, exit 2."""
    from benchmarks.steps_curve import main

    code, lines = refused_in_process(main, ["--points", points, "--no-publish"], capsys)
    assert code == 2 and len(lines) == 1 and f"--points {points}" in lines[0]


def test_table1_keeps_the_published_columns_it_does_not_train(tmp_path, capsys):
    """`--models named --keep-saved` with no runs in --out: every column, the named one
    included, is the published one."""
    from benchmarks import table1
    from benchmarks.common import saved

    _, payload = saved("table1")
    expected = payload["scores"]
    table1.main(["--forms", "running", "--models", "named", "--keep-saved", "--report-only",
                 "--out", str(tmp_path), "--no-publish"])
    assert table1.markdown(expected) in capsys.readouterr().out


def test_table1_refuses_an_unknown_column_in_one_line(capsys):
    from benchmarks.table1 import main

    code, lines = refused_in_process(main, ["--no-publish", "--models", "named,abacus"], capsys)
    assert code == 2 and len(lines) == 1 and "--models named,abacus" in lines[0]


@pytest.mark.parametrize("arguments, message", [
    (["--parts", "named,abacus"], "--parts named,abacus"),
    (["--first-seed", "-1"], "--first-seed -1"),
    (["--seeds", "0"], "--seeds 0"),
])
def test_running_ops_bad_input_is_one_line(arguments, message, capsys):
    from benchmarks.running_ops import main

    code, lines = refused_in_process(main, ["--no-publish", *arguments], capsys)
    assert code == 2 and len(lines) == 1 and message in lines[0]


@pytest.mark.parametrize("arguments, message", [
    (["--units", "nmru,abacus"], "abacus"),
    (["--ops", "square"], "square"),
    (["--protocols", "madsen"], "madsen"),
    (["--seeds", "0"], "--seeds 0"),
    (["--engine", "slurm"], "slurm"),
    (["--check-seeds", "-1"], "--check-seeds -1"),
])
def test_single_module_bad_input_is_one_line(arguments, message, capsys):
    """An unknown unit, an op outside the four, another protocol, no seeds, an unknown
    engine: one line naming it, exit 2."""
    from benchmarks.single_module import main

    code, lines = refused_in_process(main, ["--no-publish", *arguments], capsys)
    assert code == 2 and len(lines) == 1 and message in lines[0]


def test_single_module_tables_count_successes_per_range_pair():
    """Per range pair: successes of its seeds with a Wilson interval; all sets pooled."""
    from benchmarks.single_module import range_labels, tables

    labels = range_labels("smat")
    results = [{"range": label, "success": seed < index}
               for index, label in enumerate(labels) for seed in range(4)]
    text = tables({("smat", "mul", "nmu"): {"results": results, "seconds": 12.0}},
                  ["smat"], ["mul"], ["nmu"])
    row = [line for line in text.splitlines() if line.startswith("| nmu")][0]
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    assert cells[1].startswith("0% [") and cells[2].startswith("25% [")
    assert cells[5].startswith("100% [")
    done = sum(min(index, 4) for index in range(9))
    assert cells[10].startswith(f"**{100 * done / 36:.0f}% [")


def test_single_module_rows_checked_on_further_seeds_show_both_blocks():
    """A row with a `check` sweep gets its pooled rate on those seeds and the rate of both
    blocks together; a row without one gets dashes there."""
    from benchmarks.single_module import range_labels, tables

    labels = range_labels("smat10")
    first = [{"range": label, "success": seed < 2} for label in labels for seed in range(4)]
    further = [{"range": label, "success": seed < 3} for label in labels for seed in range(4)]
    grid = {("smat10", "div", "nmru"): {"results": first, "seconds": 5.0,
                                        "backend": "tensorflow", "check": {
                "results": further, "seconds": 6.0, "seeds": "4-7", "backend": "jax"}},
            ("smat10", "div", "nru"): {"results": further, "seconds": 7.0}}
    text = tables(grid, ["smat10"], ["div"], ["nmru", "nru"])
    header = [line for line in text.splitlines() if line.startswith("| unit")][0]
    assert "all sets, seeds 4-7 | both blocks" in header
    rows = {line.split("|")[1].strip(): [cell.strip() for cell in line.strip("|").split("|")]
            for line in text.splitlines() if line.startswith("| n")}
    assert rows["nmru"][10].startswith("**50% [") and rows["nmru"][11].startswith("75% [")
    assert rows["nmru"][12].startswith(f"{100 * 45 / 72:.0f}% [")
    assert rows["nmru"][-2:] == ["5 + 6", "tensorflow + jax"]
    assert rows["nru"][11:13] == ["-", "-"]


def test_single_module_verdict_pools_the_blocks_against_the_bar():
    """The rate over both blocks decides above or below; the interval is the pooled one."""
    from benchmarks.single_module import verdict

    def block(successes):
        return [{"range": "r", "success": index < successes} for index in range(225)]

    line = verdict("nmru", {"results": block(200), "seeds": "0-24",
                            "check": {"results": block(196), "seeds": "25-49"}}, 0.90)
    assert line.startswith("- nmru: 88.9% on seeds 0-24, 87.1% on seeds 25-49; 88.0% [")
    assert "of all 450 sets, below the bar of 90%, which lies inside" in line
    line = verdict("snmu", {"results": block(225)}, 0.85)
    assert "100.0% [" in line and "at or above the bar of 85%." in line


@pytest.mark.parametrize("module", ["running_ops", "single_module", "table1", "protocols"])
def test_arithmetic_benchmarks_run_on_the_auto_backend(module):
    """With KERAS_BACKEND unset, a benchmark that asks for a backend runs on `auto`'s choice
    (JAX when installed): nothing it imports before its parser imports Keras. Refused input
    (exit 2) stops it right after the parser, where the backend is already chosen."""
    import importlib.util
    import os
    import subprocess
    import sys

    if importlib.util.find_spec("jax") is None:
        pytest.skip("jax is not installed")
    script = (f"import sys, benchmarks.{module} as benchmark\n"
              "assert 'keras' not in sys.modules\n"
              "try:\n"
              "    code = benchmark.main(['--no-publish', '--seeds', '0'])\n"
              "except SystemExit as stop:\n"
              "    code = stop.code\n"
              "import keras\n"
              "print(code, keras.backend.backend())\n")
    environment = {key: value for key, value in os.environ.items() if key != "KERAS_BACKEND"}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=environment)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split()[-2:] == ["2", "jax"]


def test_a_finished_sweep_is_reused_only_with_the_recipe_it_was_trained_with(tmp_path):
    """Same settings (a setting added since counts at its default): the saved results come
    back untouched; other settings (a recipe changed): a UsageError naming the folder."""
    import dataclasses
    import json

    from benchmarks.common import finished_sweep
    from errors import UsageError
    from tasks.arithmetic.sweep import SweepConfig

    config = SweepConfig(units=("nau",), out=str(tmp_path), name="done", quiet=True)
    [plan] = config.validate()
    folder = tmp_path / "done"
    folder.mkdir()
    (folder / "results.json").write_text(json.dumps({"rows": ["kept"]}))
    settings = dataclasses.asdict(plan.settings)
    del settings["clip_norm"]  # written before the setting existed
    (folder / "config.json").write_text(json.dumps({"settings": {plan.label: settings}}))
    assert finished_sweep(config)["rows"] == ["kept"]
    settings["steps"] += 1
    (folder / "config.json").write_text(json.dumps({"settings": {plan.label: settings}}))
    with pytest.raises(UsageError, match="done"):
        finished_sweep(config)


def test_time_tracking_summarises_the_finished_seeds_of_each_agent(tmp_path, capsys):
    """--report-only reads each agent's finished seeds: median and range per T, others left."""
    from benchmarks import time_tracking

    for seed, shares in ((0, (1.0, 0.9)), (1, (1.0, 0.5)), (2, (0.8, 0.7))):
        folder = tmp_path / f"lstm_nac-seed{seed}"
        folder.mkdir()
        (folder / "results.json").write_text(json.dumps({
            "seed": seed, "train_seconds": 10.0 + seed, "final_train_success": 0.9,
            "metrics": {"20": {"episodes": 5, "success": shares[0]},
                        "200": {"episodes": 5, "success": shares[1]}}}))
    (tmp_path / "lstm-seed0").mkdir()  # a stopped run: no results.json, left out
    assert time_tracking.main(["--report-only", "--out", str(tmp_path), "--no-publish"]) == 0
    table = capsys.readouterr().out
    assert "LSTM + NAC | 3 |" in table and "| LSTM |" not in table
    assert "**70.0%** (50.0-90.0)" in table and "**100.0%** (80.0-100.0)" in table


@pytest.mark.parametrize("module", ["program_eval", "time_tracking"])
def test_sequence_benchmarks_refuse_an_empty_folder_in_one_line(module, tmp_path, capsys):
    """--report-only over a folder with no finished run: one line naming --out."""
    import importlib

    main = importlib.import_module(f"benchmarks.{module}").main
    code, lines = refused_in_process(main, ["--report-only", "--out", str(tmp_path)], capsys)
    assert code == 2 and len(lines) == 1 and f"--out {tmp_path}: no finished runs" in lines[0]


def test_mnist_prod_bounds_the_reference_and_counts_seeds_within_it(tmp_path, capsys):
    """The reference bound is the log-normal 99% prediction bound over the reference seeds; a
    run succeeds at a length when its MSE is within it, 'every length' when at all."""
    import math
    import statistics

    from benchmarks import mnist_prod

    # t(0.99, 9) = 2.821 (tables); the expansion is close
    assert mnist_prod.t_quantile(0.99, 9) == pytest.approx(2.821, abs=2e-3)
    reference = [1.0, 2.0, 4.0, 8.0]
    logs = [math.log(value) for value in reference]
    expected = math.exp(statistics.mean(logs) + mnist_prod.t_quantile(0.99, 3)
                        * statistics.stdev(logs) * math.sqrt(1.25))
    assert mnist_prod.reference_bound(reference) == pytest.approx(expected)
    assert mnist_prod.reference_bound([2.0, 2.0]) == pytest.approx(2.0)

    def write(name, seed, mses):
        folder = tmp_path / f"{name}-seed{seed}"
        folder.mkdir()
        (folder / "results.json").write_text(json.dumps({
            "seed": seed, "train_seconds": 5.0, "metrics": {
                length: {"mse": mse, "mae": mse / 2, "accuracy": 0.5}
                for length, mse in zip(("1", "2", "20"), mses, strict=True)}}))

    for seed in (0, 1):
        write("exact_product", seed, (1.0, 10.0, 1e6))
        write("nmu", seed, (1.0, 10.0, 1e6 if seed == 0 else 1e9))
        write("lstm", seed, (1.0, 1e3, 1e12))
    assert mnist_prod.main(["--report-only", "--out", str(tmp_path), "--models", "nmu,lstm",
                            "--seeds", "0,1", "--no-publish"]) == 0
    table = capsys.readouterr().out
    assert "| NMU | 2 | **1/2** [9-91%] | 2/2 | 2/2 | 1/2 |" in table
    assert "| LSTM | 2 | **0/2** [0-66%] | 2/2 | 0/2 | 0/2 |" in table


@pytest.mark.parametrize("arguments, message", [
    (["--models", "exact_product"], "--models exact_product: 'exact_product' is not one of"),
    (["--seeds", "3"], "--seeds 3: the reference bound needs two seeds or more"),
])
def test_mnist_prod_bad_input_is_one_line(arguments, message, tmp_path, capsys):
    from benchmarks import mnist_prod

    code, lines = refused_in_process(mnist_prod.main, ["--report-only", "--out",
                                                       str(tmp_path), *arguments], capsys)
    assert code == 2 and len(lines) == 1 and message in lines[0]


def test_main_job_marks_runs_that_had_work_beside_them(tmp_path, capsys):
    """--beside BACKEND:SEED records in a finished run's timing that it was not alone; its
    wall time is starred and left out of the matmul shares, its MAE stays in the ranges."""
    from benchmarks.main_job import main

    _finished_main_job(tmp_path / "mnist_sum-tensorflow-seed0", (0.6, 2.5, 10.0))
    _finished_main_job(tmp_path / "mnist_sum-tensorflow-seed1", (0.7, 3.0, 14.0))
    _finished_main_job(tmp_path / "mnist_sum-jax-seed0", (0.8, 3.5, 12.0), wall=900.0)
    code, lines = refused_in_process(main, ["--report-only", "--out", str(tmp_path),
                                            "--beside", "jax:x"], capsys)
    assert code == 2 and len(lines) == 1 and "--beside jax:x: 'jax:x' is not" in lines[0]
    code, lines = refused_in_process(main, ["--report-only", "--out", str(tmp_path),
                                            "--beside", "torch:0"], capsys)
    assert code == 2 and len(lines) == 1 and "mnist_sum-torch-seed0 has no finished" in lines[0]
    import benchmarks.main_job as main_job

    original = main_job.throughput
    main_job.throughput = lambda task: (1.0, 1.0, 2.2)
    try:
        assert main(["--report-only", "--out", str(tmp_path), "--seeds", "0,1", "--backends",
                     "tensorflow,jax", "--beside", "jax:0", "--no-publish"]) == 0
    finally:
        main_job.throughput = original
    out = capsys.readouterr().out
    assert json.loads((tmp_path / "mnist_sum-jax-seed0" / "timing.json").read_text())[
        "alone"] is False
    assert "| jax | 0 | 900 s * |" in out and "| tensorflow | 0 | 300 s |" in out
    assert "jax 0%" not in out and "jax " not in out.split("share of the matrix")[1][:40]
    assert "@10 above (0.6-0.7)" in out and "their median (1 seeds): 0.8 / 3.5 / 12." in out


def test_same_start_saves_the_default_model_of_the_seed_as_step_0(tmp_path):
    """write_start: the run's config and, as checkpoint 0, the weights train.py's run of that
    seed starts from (so `train.py --resume` on any backend trains from them)."""
    import keras
    import numpy as np

    from benchmarks.same_start import write_start
    from tasks import get_task
    from tasks.mnist.training import load_checkpoint
    from tasks.runner import prepare

    write_start(tmp_path / "run", "mnist_sum", 3)
    saved = json.loads((tmp_path / "run" / "config.json").read_text())
    assert (saved["seed"], saved["steps"], saved["encoder_norm"]) == (3, 8000, "late")
    model, step = load_checkpoint(tmp_path / "run")
    task, config = prepare(get_task("mnist_sum").config_class(task="mnist_sum", seed=3))
    keras.utils.set_random_seed(3)
    fresh = task.make_model(config)
    assert step == 0
    for mine, theirs in zip(model.get_weights(), fresh.get_weights(), strict=True):
        np.testing.assert_array_equal(mine, theirs)


def test_same_start_sets_each_run_beside_the_backends_own_ranges(tmp_path, capsys):
    from benchmarks import same_start

    for backend, mae in (("tensorflow", 0.64), ("jax", 0.65)):
        folder = tmp_path / f"mnist_sum-seed0-tensorflow-start-{backend}"
        folder.mkdir()
        (folder / "results.json").write_text(json.dumps({"metrics": {
            "10": {"mae": mae}, "100": {"mae": 2.8}}}))
    assert same_start.main(["--report-only", "--out", str(tmp_path), "--no-publish"]) == 0
    out = capsys.readouterr().out
    assert "| jax from tensorflow's start (seed 0) | 0.65 | 2.8 |" in out
    assert "| tensorflow from tensorflow's start (seed 0) | 0.64 | 2.8 |" in out
    assert "jax, its own starts (main job, seeds 0,1,2)" in out
    code, lines = refused_in_process(same_start.main, ["--start", "theano"], capsys)
    assert code == 2 and len(lines) == 1 and "--start theano" in lines[0]
