"""evaluate.py, report.py, digit_errors and shift_rescore: new lengths, chunking, reports,
bad input."""

import json
import shutil

import numpy as np
import pytest
from PIL import Image

from evaluate import main as evaluate
from tests.conftest import TINY, refused_in_process, run_script


@pytest.fixture()
def run_copy(tmp_path, finished_run):
    """A private copy of the finished tiny run, safe to add results to."""
    return shutil.copytree(finished_run, tmp_path / "run")


def test_evaluate_adds_new_lengths_and_keeps_old_ones(run_copy):
    """evaluate.py --lengths 3,200 adds length 200 and keeps 30 as it was."""
    before = json.loads((run_copy / "results.json").read_text())
    run_script("evaluate.py", str(run_copy), "--lengths", "3,200", "--sequences", "16",
               "--quiet")
    after = json.loads((run_copy / "results.json").read_text())
    assert set(after["metrics"]) == {"3", "30", "200"}
    assert after["metrics"]["30"] == before["metrics"]["30"]
    assert after["metrics"]["3"]["mae"] == before["metrics"]["3"]["mae"]


def test_evaluate_replaces_saved_lengths_only_when_asked(run_copy):
    """A length already scored keeps its saved figures unless --replace is given."""
    saved = (run_copy / "results.json").read_bytes()
    output = run_script("evaluate.py", str(run_copy), "--lengths", "3", "--sequences", "8",
                        "--quiet")
    assert (run_copy / "results.json").read_bytes() == saved
    assert "kept as saved" in output.stdout
    run_script("evaluate.py", str(run_copy), "--lengths", "3", "--sequences", "8", "--quiet",
               "--replace")
    after = json.loads((run_copy / "results.json").read_text())
    assert after["metrics"]["3"]["mae"] != json.loads(saved)["metrics"]["3"]["mae"]


def test_chunked_evaluation_equals_whole_sequence_evaluation(finished_run):
    """Scoring in time chunks of 7 carries the state: same predictions as one pass."""
    from data.sequences import evaluation_positions
    from tasks.mnist.evaluation import ChunkedCore, encode_images
    from tasks.saved_runs import open_run

    run = open_run(finished_run)
    model = run.load_model()
    digits = run.task.load_digits(run.config)
    images = digits.test_images[..., None].astype("float32") / 255
    encodings = encode_images(model, images)
    positions = evaluation_positions(len(digits.test_labels), 50, 6, seed=0)
    runner = ChunkedCore(model.get_layer("core"), model.get_layer("head"))
    whole = runner.predict(encodings, positions, chunk=1000)
    chunked = runner.predict(encodings, positions, chunk=7)
    np.testing.assert_allclose(chunked, whole, rtol=1e-6)
    full_model = model.predict(images[positions][..., :], verbose=0)
    np.testing.assert_allclose(whole, full_model, rtol=1e-4, atol=1e-4)


def test_report_from_two_runs(tmp_path, finished_run, small_digits):
    """report.py on two runs: a row per run in table.md, and both pictures decode."""
    from report import main as report
    from train import main as train_main

    train_main([*TINY, "--core", "lstm", "--steps", "5", "--digits", small_digits,
                "--out", str(tmp_path / "runs"), "--name", "lstm"])
    report([str(finished_run), str(tmp_path / "runs" / "lstm"),
            "--out", str(tmp_path / "reports")])
    folder = tmp_path / "reports" / "report"
    rows = [line for line in (folder / "table.md").read_text().splitlines()
            if line.startswith("| ") and not line.startswith("| run | task")]
    assert len(rows) == 2
    for picture in ("error_vs_length.png", "sequence.png"):
        with Image.open(folder / picture) as image:
            image.load()
            assert image.width > 100 and image.height > 50


def _assert_refused(result, text):
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2, result.stderr
    assert len(lines) == 1 and text in lines[0] and "Traceback" not in result.stderr


def _assert_refused_here(script_main, arguments, capsys, text):
    """The command's main in this process: exit 2 and one line holding `text`."""
    code, lines = refused_in_process(script_main, arguments, capsys)
    assert code == 2 and len(lines) == 1 and text in lines[0], lines


def test_evaluate_refuses_a_missing_folder(tmp_path):
    """A run folder that does not exist: one line, exit 2."""
    _assert_refused(run_script("evaluate.py", str(tmp_path / "nope"), check=False),
                    "no such run folder")


def test_evaluate_refuses_a_folder_without_model(tmp_path, run_copy, capsys):
    """A run folder holding no model: one line, exit 2, results untouched."""
    (run_copy / "model.keras").unlink()
    before = (run_copy / "results.json").read_text()
    _assert_refused_here(evaluate, [str(run_copy)], capsys, "holds no model")
    assert (run_copy / "results.json").read_text() == before


def test_evaluate_refuses_a_truncated_model(run_copy, capsys):
    """A truncated model.keras: one line, exit 2, results untouched."""
    model = run_copy / "model.keras"
    model.write_bytes(model.read_bytes()[:500])
    before = (run_copy / "results.json").read_text()
    _assert_refused_here(evaluate, [str(run_copy)], capsys, "corrupt")
    assert (run_copy / "results.json").read_text() == before


@pytest.mark.parametrize("lengths", ["0", "-5", "10,abc", "2.5"])
def test_evaluate_refuses_bad_lengths(run_copy, lengths, capsys):
    """Lengths of 0, negative or not integers: one line naming --lengths, exit 2."""
    _assert_refused_here(evaluate, [str(run_copy), "--lengths", lengths], capsys,
                         f"--lengths {lengths}")


def test_evaluate_refuses_a_run_of_another_task(run_copy, capsys):
    """--task mnist_count on a mnist_sum run: one line, exit 2."""
    _assert_refused_here(evaluate, [str(run_copy), "--task", "mnist_count"], capsys,
                         "is of task mnist_sum")


def test_report_refuses_no_runs(tmp_path, capsys):
    """report.py with no run folders: one line, exit 2, nothing written."""
    from report import main as report

    _assert_refused_here(report, ["--out", str(tmp_path / "reports")], capsys, "no run folders")
    assert not (tmp_path / "reports").exists()


def test_digit_errors_loads_a_default_mnist_sum_run_and_scores_its_test_digits(finished_run):
    """digit_errors opens a default mnist_sum run in a new process and prints its digit errors."""
    import re

    from data.digits import load_digits
    from data.sequences import images_as_floats
    from tasks.saved_runs import open_run

    output = run_script("benchmarks.diagnostics.digit_errors", str(finished_run)).stdout
    printed = float(re.search(r"test\s+per-digit MAE \S+\s+RMS (\S+)", output).group(1))
    run = open_run(finished_run)
    digits = load_digits(run.config.digits)
    values = np.asarray(run.load_model().predict(
        images_as_floats(digits.test_images)[:, None], verbose=0)).ravel()
    assert printed == pytest.approx(np.sqrt(np.mean((values - digits.test_labels) ** 2)),
                                    abs=1e-3)


def test_shift_rescore_reproduces_the_run_at_its_own_shift_and_differs_at_others(finished_run):
    """shift_rescore at shift 0 gives the run's own MAE, at shift 1 other figures."""
    from benchmarks.diagnostics import shift_rescore as script

    results = json.loads((finished_run / "results.json").read_text())
    assert json.loads((finished_run / "config.json").read_text())["test_shift"] == 0
    figures = script.rescore(finished_run, [0, 1])
    for length, metric in results["metrics"].items():
        assert figures[0]["metrics"][length]["mae"] == pytest.approx(metric["mae"], rel=1e-6)
        assert figures[1]["metrics"][length]["mae"] != pytest.approx(metric["mae"], rel=1e-6)
    assert figures[0]["rms"] != pytest.approx(figures[1]["rms"], rel=1e-6)


@pytest.mark.parametrize("script", ["benchmarks.diagnostics.digit_errors",
                                    "benchmarks.diagnostics.shift_rescore"])
def test_the_run_reading_benchmarks_refuse_a_missing_folder(tmp_path, script):
    """A run folder that does not exist: one line naming it, exit 2, no traceback."""
    _assert_refused(run_script(script, str(tmp_path / "nope"), check=False),
                    "no such run folder")


def test_shift_rescore_refuses_bad_shifts(finished_run):
    """--shifts outside 0-4 or not integers: one line naming the flag, exit 2."""
    for shifts in ("5", "1,x"):
        _assert_refused(run_script("benchmarks.diagnostics.shift_rescore", str(finished_run),
                                   "--shifts", shifts, check=False), f"--shifts {shifts}")
