"""Every file a command reads, when corrupt, truncated, empty or of the wrong shape or type:
one line naming the file and the fault, exit 2, and every file left as it was.

One case per class of bad input (the --digits files have theirs in test_digits.py). Each
case damages a private copy of a finished tiny run and runs a command's `main` in this
process, as the command line does.
"""

import json
import shutil

import pytest

from tests.conftest import TINY, refused_in_process


def _snapshot(folder):
    return {path.relative_to(folder): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def _train(arguments):
    from train import main

    return main, arguments


def _evaluate(arguments):
    from evaluate import main

    return main, arguments


def _report(arguments):
    from report import main

    return main, arguments


def _as_checkpointed(run):
    """The run as if killed after its last checkpoint: no results.json, checkpoint.json
    naming checkpoint-30.keras (the finished model)."""
    (run / "results.json").unlink()
    shutil.copy(run / "model.keras", run / "checkpoint-30.keras")
    (run / "checkpoint.json").write_text('{"step": 30, "previous_step": null}\n')


def _write(name, text):
    def damage(run):
        (run / name).write_text(text)
    return damage


def _truncate(name, keep=200):
    def damage(run):
        path = run / name
        path.write_bytes(path.read_bytes()[:keep])
    return damage


def _edit_config(**changes):
    def damage(run):
        config = json.loads((run / "config.json").read_text())
        (run / "config.json").write_text(json.dumps({**config, **changes}))
    return damage


def _checkpoint(then):
    def damage(run):
        _as_checkpointed(run)
        then(run)
    return damage


CASES = {
    # case: (damage done to the run, command, its arguments after the run folder, message)
    "config.json not JSON": (_write("config.json", "{'task':"), _evaluate, [],
                             "config.json is not valid JSON"),
    "config.json empty": (_write("config.json", ""), _report, [], "config.json is not valid"),
    "config.json a list": (_write("config.json", "[]"), _evaluate, [],
                           "config.json holds a JSON list, not an object"),
    "config.json bad type": (_edit_config(steps="many"), _evaluate, [],
                             "config.json holds a bad value (--steps many: must be an integer"),
    "config.json out of range": (_edit_config(length=-4), _report, [],
                                 "config.json holds a bad value (--len -4"),
    "config.json unknown task": (_edit_config(task=["x"]), _evaluate, [], "unknown task"),
    "results.json truncated": (_truncate("results.json", 40), _evaluate, [],
                               "results.json is not valid JSON"),
    "results.json a number": (_write("results.json", "7"), _report, [],
                              "results.json holds a JSON int, not an object"),
    "results.json metrics a list": (_write("results.json", '{"metrics": [1]}'), _evaluate,
                                    [], "results.json's 'metrics' is not an object"),
    "model.keras empty": (_write("model.keras", ""), _evaluate, [], "model.keras is corrupt"),
    "model.keras truncated": (_truncate("model.keras", 3000), _evaluate, [],
                              "model.keras is corrupt"),
    "checkpoint.json garbage": (_checkpoint(_write("checkpoint.json", "\x00\x01")), _train,
                                [], "checkpoint.json is not valid JSON"),
    "checkpoint.json no step": (_checkpoint(_write("checkpoint.json", "{}")), _train, [],
                                "checkpoint.json has no 'step'"),
    "checkpoint.json bad step": (_checkpoint(_write("checkpoint.json", '{"step": -1}')),
                                 _train, [], "checkpoint.json has a bad 'step' (-1)"),
    "checkpoint model missing": (_checkpoint(_write("checkpoint.json", '{"step": 20}')),
                                 _train, [], "checkpoint-20.keras is missing"),
    "checkpoint model truncated": (_checkpoint(_truncate("checkpoint-30.keras", 5000)),
                                   _train, [], "checkpoint-30.keras is corrupt or truncated"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_bad_file_is_one_line_naming_it_and_nothing_changes(tmp_path, finished_run, capsys,
                                                              case):
    """A corrupt file of any kind: exit 2, one line naming it, every file left byte for byte."""
    damage, command, extra, message = CASES[case]
    run = shutil.copytree(finished_run, tmp_path / "run")
    damage(run)
    before = _snapshot(tmp_path)
    if command is _train:
        arguments = ["--resume", str(run), "--quiet"]
    elif command is _report:
        arguments = [str(run), "--out", str(tmp_path / "reports")]
    else:
        arguments = [str(run), "--lengths", "3", "--quiet"]
    main, arguments = command([*arguments, *extra])
    code, lines = refused_in_process(main, arguments, capsys)
    assert code == 2 and len(lines) == 1, lines
    assert message in lines[0] and str(run) in lines[0], lines[0]
    assert _snapshot(tmp_path) == before


def test_out_naming_a_file_is_refused_and_the_file_kept(tmp_path, small_digits, capsys):
    """--out pointing at an existing file (or below one): one line, the file untouched."""
    from train import main

    taken = tmp_path / "notes.txt"
    taken.write_text("mine\n")
    for out in (taken, taken / "runs"):
        code, lines = refused_in_process(main, [*TINY, "--digits", small_digits, "--out",
                                                str(out)], capsys)
        assert code == 2 and len(lines) == 1 and f"--out {out}" in lines[0], lines
    assert taken.read_text() == "mine\n" and sorted(tmp_path.iterdir()) == [taken]


def test_a_corrupt_job_result_is_named_before_any_job_runs(tmp_path):
    """A job result that is not JSON is named, and no job runs."""
    from errors import UsageError
    from tasks.jobs import Job, run_jobs

    jobs = [Job(f"square-{x}", "tests.job_functions:square", {"value": x}) for x in (2, 3)]
    (tmp_path / "square-2.json").write_text('{"value": 4')
    with pytest.raises(UsageError, match=r"job square-2: .*square-2\.json is not valid JSON"):
        run_jobs(jobs, tmp_path, quiet=True)
    assert not (tmp_path / "square-3.json").exists()
