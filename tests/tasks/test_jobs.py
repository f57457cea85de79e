"""The job runner: local and Ray engines, results written once as they arrive, restarts,
a killed worker retried, a failing job reported by name, and the sweep on Ray."""

import json
import os

import pytest

from tasks.jobs import Job, run_jobs
from tests.conftest import ROOT, refused_in_process


def squares(count):
    return [Job(f"square-{n}", "tests.job_functions:square", {"value": n}) for n in range(count)]


def written(folder):
    return (folder / "written.log").read_text().split()


def test_local_engine_writes_each_result_and_skips_done_jobs(tmp_path):
    """The local engine writes each result as it comes and skips jobs already done."""
    results, failures, _ = run_jobs(squares(3), tmp_path, quiet=True)
    assert results == {"square-0": 0, "square-1": 1, "square-2": 4} and not failures
    again, _, _ = run_jobs(squares(4), tmp_path, quiet=True)  # only square-3 is new
    assert again["square-3"] == 9
    assert sorted(written(tmp_path)) == ["square-0", "square-1", "square-2", "square-3"]


def test_a_failing_job_is_reported_by_name_and_the_rest_complete(tmp_path):
    """A failing job is reported by name and the other jobs complete."""
    jobs = [*squares(2), Job("broken", "tests.job_functions:always_fails", {"message": "no"})]
    results, failures, _ = run_jobs(jobs, tmp_path, quiet=True)
    assert set(results) == {"square-0", "square-1"}
    assert failures == {"broken": "RuntimeError: no"}


@pytest.fixture(scope="module")
def embedded_ray():
    """One embedded Ray for this module's tests (workers import from the checkout)."""
    ray = pytest.importorskip("ray")
    ray.init(num_cpus=2, include_dashboard=False, logging_level="ERROR", log_to_driver=False,
             runtime_env={"env_vars": {"PYTHONPATH": str(ROOT),
                                       "TF_CPP_MIN_LOG_LEVEL": "3"}})
    yield ray
    ray.shutdown()


@pytest.mark.xdist_group("ray")  # one Ray at a time, on one test worker
def test_ray_retries_a_killed_worker_and_writes_each_result_once(embedded_ray, tmp_path):
    """Ray retries a job whose worker was killed and writes each result once."""
    jobs = [*squares(2), Job("killed", "tests.job_functions:die_once",
                             {"marker": str(tmp_path / "killed-once"), "value": 7})]
    results, failures, _ = run_jobs(jobs, tmp_path / "results", "ray", quiet=True)
    assert (tmp_path / "killed-once").exists()  # the first attempt was killed
    assert results == {"square-0": 0, "square-1": 1, "killed": 7} and not failures
    assert sorted(written(tmp_path / "results")) == ["killed", "square-0", "square-1"]


@pytest.mark.xdist_group("ray")  # one Ray at a time, on one test worker
def test_ray_reports_a_failing_job_by_name(embedded_ray, tmp_path):
    """On Ray a failing job is reported by name and the others complete."""
    jobs = [*squares(2), Job("broken", "tests.job_functions:always_fails", {"message": "no"})]
    results, failures, _ = run_jobs(jobs, tmp_path, "ray", quiet=True)
    assert set(results) == {"square-0", "square-1"}
    assert list(failures) == ["broken"] and "no" in failures["broken"]


@pytest.mark.xdist_group("ray")  # one Ray at a time, on one test worker
def test_a_sweep_gives_the_same_per_seed_results_on_either_engine(embedded_ray, tmp_path):
    """A sweep gives the same per-seed results on the local and the Ray engine."""
    from tasks.arithmetic.sweep import SweepConfig, run_sweep

    common = dict(units=("nau",), ops=("add",), seeds=4, seeds_per_job=2, steps=1000,
                  out=str(tmp_path), quiet=True)
    local, _ = run_sweep(SweepConfig(**common, name="local"))
    on_ray, _ = run_sweep(SweepConfig(**common, name="ray", engine="ray"))
    first = json.loads((local / "results.json").read_text())["per_seed"]["nau-nau/add"]
    second = json.loads((on_ray / "results.json").read_text())["per_seed"]["nau-nau/add"]

    def outcome(result):
        return result["seed"], result["extrapolation_mse"], result["interpolation_mse"]

    assert [outcome(r) for r in first] == [outcome(r) for r in second]
    assert [r["seed"] for r in second] == [0, 1, 2, 3]


def test_a_resumed_sweep_runs_only_the_missing_jobs(tmp_path, capsys):
    """A resumed sweep runs only the jobs whose results are missing."""
    from sweep import main

    common = ["--units", "nau", "--op", "add", "--seeds", "4", "--seeds-per-job", "2",
              "--steps", "300", "--out", str(tmp_path), "--name", "s", "--quiet"]
    main(common)
    folder = tmp_path / "s"
    os.remove(folder / "jobs" / "nau-nau-add-seeds2-3.json")
    first = json.loads((folder / "results.json").read_text())["per_seed"]["nau-nau/add"]
    main([*common, "--resume"])
    assert written(folder / "jobs") == ["nau-nau-add-seeds0-1", "nau-nau-add-seeds2-3",
                                        "nau-nau-add-seeds2-3"]
    second = json.loads((folder / "results.json").read_text())["per_seed"]["nau-nau/add"]
    for result in first + second:
        result.pop("train_seconds")
    assert first == second  # the seeds of the job run again give what they gave
    saved = (folder / "results.json").read_bytes()
    code, lines = refused_in_process(main, [*common, "--resume"], capsys)  # nothing left
    assert code == 2 and len(lines) == 1 and "has finished" in lines[0]
    assert (folder / "results.json").read_bytes() == saved
    changed = [c if c != "300" else "400" for c in common]
    code, lines = refused_in_process(main, [*changed, "--resume"], capsys)
    assert code == 2 and len(lines) == 1 and "--resume" in lines[0]


def test_a_sweep_is_not_resumed_under_a_changed_recipe(tmp_path, capsys, monkeypatch):
    """A sweep whose unit recipe changed since is not resumed: one line, exit 2."""
    import dataclasses

    import tasks.arithmetic.sweep as sweep_module
    from sweep import main

    common = ["--units", "nau", "--op", "add", "--seeds", "1", "--steps", "100",
              "--out", str(tmp_path), "--name", "s", "--quiet"]
    main(common)
    recipe = sweep_module.default_settings
    monkeypatch.setattr(sweep_module, "default_settings", lambda *arguments: dataclasses.replace(
        recipe(*arguments), beta_1=0.99))
    code, lines = refused_in_process(main, [*common, "--resume"], capsys)
    assert code == 2 and len(lines) == 1 and "other settings" in lines[0]


def test_an_unreachable_ray_address_is_one_line_before_anything_is_written(tmp_path, capsys):
    """An unreachable --ray-address: one line, exit 2, nothing written."""
    pytest.importorskip("ray")
    from sweep import main

    code, lines = refused_in_process(main, ["--engine", "ray", "--ray-address", "127.0.0.1:1",
                                            "--out", str(tmp_path / "out"), "--quiet"], capsys)
    assert code == 2 and len(lines) == 1
    assert "--ray-address 127.0.0.1:1: no Ray cluster answers there" in lines[0]
    assert not (tmp_path / "out").exists()
