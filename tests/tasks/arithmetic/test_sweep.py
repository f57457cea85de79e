"""The sweep: Wilson intervals, a tiny end-to-end sweep, and its bad input."""

import json

import pytest

from tests.conftest import refused_in_process, run_script


@pytest.mark.parametrize("successes, trials, low, high", [
    (0, 20, 0.0, 0.1611),      # known values of the 95% Wilson score interval
    (20, 20, 0.8389, 1.0),
    (10, 20, 0.2993, 0.7007),
    (98, 100, 0.9300, 0.9945),
])
def test_wilson_interval_matches_known_values(successes, trials, low, high):
    """The interval agrees with published Wilson bounds to 1e-3."""
    from tasks.arithmetic.summary import wilson_interval

    computed = wilson_interval(successes, trials)
    assert computed == pytest.approx((low, high), abs=1e-3)


def test_tiny_sweep_end_to_end(tmp_path):
    """sweep.py over 2 units x 1 op x 3 seeds writes a JSON and a Markdown row per pair."""
    run_script("sweep.py", "--task", "arith_static", "--op", "add", "--units", "nau,linear",
               "--seeds", "3", "--steps", "2000", "--lr", "0.01", "--out", str(tmp_path),
               "--name", "tiny", "--quiet")
    results = json.loads((tmp_path / "tiny" / "results.json").read_text())
    assert [(row["unit"], row["op"], row["seeds"]) for row in results["rows"]] == [
        ("nau-nau", "add", 3), ("linear", "add", 3)]
    for row in results["rows"]:
        assert row["wilson_low"] <= row["success_rate"] <= row["wilson_high"]
    assert [result["seed"] for result in results["per_seed"]["linear/add"]] == [0, 1, 2]
    table = (tmp_path / "tiny" / "table.md").read_text().splitlines()
    assert len(table) == 4 and table[2].startswith("| nau-nau | add |")


@pytest.mark.parametrize("arguments, flag", [
    (["--op", "pow"], "--op pow"),
    (["--interpolation", "2,1"], "--interpolation 2.0,1.0"),
    (["--extrapolation", "3,3"], "--extrapolation 3.0,3.0"),
    (["--subset-ratio", "0"], "--subset-ratio 0.0"),
    (["--overlap-ratio", "1.5"], "--overlap-ratio 1.5"),
    (["--seeds", "0"], "--seeds 0"),
    (["--units", "abacus"], "--units abacus"),
])
def test_bad_sweep_input_is_one_line_naming_the_flag(tmp_path, capsys, arguments, flag):
    """Bad op, range, ratio or seeds: exit 2, one line naming the flag."""
    from sweep import main

    code, lines = refused_in_process(main, [*arguments, "--out", str(tmp_path / "out")],
                                     capsys)
    assert code == 2 and len(lines) == 1 and flag in lines[0]
    assert not (tmp_path / "out").exists()


def test_train_py_runs_one_arithmetic_seed_with_its_unit_recipe(tmp_path):
    """train.py on arith_static: the NMU's recipe fills the defaults; the table prints."""
    result = run_script("train.py", "--task", "arith_static", "--core", "nmu", "--op", "mul",
                        "--steps", "1000", "--out", str(tmp_path), "--name", "one", "--quiet")
    assert "| extrapolation MSE | threshold | success |" in result.stdout
    config = json.loads((tmp_path / "one" / "config.json").read_text())
    assert config["lr"] == 0.03 and config["steps"] == 1000
    metric = json.loads((tmp_path / "one" / "results.json").read_text())["metrics"]["extrapolation"]
    assert metric["success"] is False and metric["extrapolation_mse"] > metric["threshold_mse"]


def test_sweep_on_jax_gives_each_seed_the_same_result_in_any_block(tmp_path):
    """On JAX a seed gives the same result in any block of seeds."""
    pytest.importorskip("jax")
    common = ["--task", "arith_static", "--op", "add", "--units", "nau", "--steps", "600",
              "--lr", "0.01", "--out", str(tmp_path), "--quiet", "--backend", "jax"]
    run_script("sweep.py", *common, "--seeds", "3", "--name", "all")
    run_script("sweep.py", *common, "--seeds", "2", "--first-seed", "1", "--name", "block")
    whole = json.loads((tmp_path / "all" / "results.json").read_text())
    block = json.loads((tmp_path / "block" / "results.json").read_text())
    assert whole["backend"] == block["backend"] == "jax"

    in_whole, in_block = whole["per_seed"]["nau-nau/add"][1:], block["per_seed"]["nau-nau/add"]
    assert [r["seed"] for r in in_whole] == [r["seed"] for r in in_block] == [1, 2]
    for key in ("extrapolation_mse", "interpolation_mse"):
        assert [r[key] for r in in_whole] == pytest.approx([r[key] for r in in_block], rel=1e-5)


@pytest.mark.parametrize("backend, message", [
    ("abacus", "--backend abacus: choose auto or one of jax, tensorflow, torch"),
    ("jax", "--backend jax: Keras already runs on tensorflow in this process"),
])
def test_bad_backend_is_one_line(tmp_path, capsys, backend, message):
    """An unknown backend, or another than the one running: one line, exit 2."""
    from sweep import main

    code, lines = refused_in_process(main, ["--backend", backend, "--out", str(tmp_path / "o")],
                                     capsys)
    assert code == 2 and len(lines) == 1 and lines[0].endswith(message)
    assert not (tmp_path / "o").exists()
