"""train.py end to end on a small split: outputs, reloading, resume after SIGKILL, bad input."""

import json

import numpy as np
import pytest

from tests.conftest import TINY, refused_in_process, train


def test_run_writes_config_model_and_results(finished_run):
    """A few-step run writes config.json, model.keras and a results.json of the promised form."""
    results = json.loads((finished_run / "results.json").read_text())
    assert {"task", "core", "head", "train_length", "seed", "digits", "steps", "train_seconds",
            "metrics"} <= set(results)
    assert results["steps"] == 30 and results["train_length"] == 3
    assert set(results["metrics"]) == {"3", "30"}
    for metric in results["metrics"].values():
        assert np.isfinite(metric["mae"]) and 0.0 <= metric["accuracy"] <= 1.0
    assert json.loads((finished_run / "config.json").read_text())["core"] == "nac"
    assert (finished_run / "model.keras").stat().st_size > 0


def test_reloaded_model_scores_exactly_as_before(finished_run):
    """model.keras reloaded and re-scored gives the very metrics in results.json."""
    from data.sequences import images_as_floats
    from tasks.mnist.evaluation import score_lengths
    from tasks.saved_runs import open_run

    run = open_run(finished_run)
    digits = run.task.load_digits(run.config)
    metrics = score_lengths(run.load_model(), images_as_floats(digits.test_images),
                            digits.test_labels, run.task, [3, 30], 16, run.config.seed,
                            quiet=True)
    for length in ("3", "30"):
        assert metrics[length]["mae"] == run.results["metrics"][length]["mae"]


def test_a_second_run_never_overwrites_the_first(tmp_path, small_digits):
    """The same --name twice gives two folders (train.py's main in this process)."""
    from train import main

    for _ in range(2):
        main([*TINY, "--steps", "2", "--eval-lengths", "3", "--digits", small_digits,
              "--out", str(tmp_path), "--name", "same"])
    assert sorted(path.name for path in tmp_path.iterdir()) == ["same", "same-2"]


@pytest.mark.parametrize("arguments, flag", [
    (["--task", "mnist_div"], "--task mnist_div"),
    (["--core", "transformer"], "--core transformer"),
    (["--head", "softmax"], "--head softmax"),
    (["--len", "0"], "--len 0"),
    (["--len", "-3"], "--len -3"),
    (["--len", "2.5"], "--len 2.5"),
    (["--steps", "0"], "--steps 0"),
    (["--shift", "-1"], "--shift -1"),
    (["--task", "mnist_prod", "--core", "lstm", "--head", "identity"], "--head identity"),
    (["--shift", "1.5"], "--shift 1.5"),
    (["--task", "arith_static", "--shift", "2"], "--shift 2"),
    (["--weight-decay", "-0.1"], "--weight-decay -0.1"),
    (["--weight-decay", "heavy"], "--weight-decay heavy"),
    (["--task", "arith_static", "--weight-decay", "0.05"], "--weight-decay 0.05"),
    (["--dropout", "1"], "--dropout 1"),
    (["--dropout", "half"], "--dropout half"),
    (["--task", "arith_static", "--dropout", "0.5"], "--dropout 0.5"),
    (["--test-shift", "-1"], "--test-shift -1"),
    (["--test-shift", "5"], "--test-shift 5"),
    (["--test-shift", "1.5"], "--test-shift 1.5"),
    (["--task", "arith_static", "--test-shift", "1"], "--test-shift 1"),
    (["--encoder-norm", "batch"], "--encoder-norm batch"),
    (["--task", "arith_static", "--encoder-norm", "layer"], "--encoder-norm layer"),
    (["--eval-lengths", "10,,100"], "--eval-lengths 10,,100"),
    (["--eval-lengths", "10,x"], "--eval-lengths 10,x"),
    (["--digits", "/no/such/file.npz"], "--digits /no/such/file.npz"),
    (["--task", "arith_static", "--core", "nac-abacus"], "--core nac-abacus"),
    (["--task", "arith_static", "--core", "lstm"], "--core lstm"),
])
def test_bad_input_is_one_line_naming_the_flag(tmp_path, capsys, arguments, flag):
    """Bad flags: exit 2, one line naming the flag and the value, nothing written."""
    from train import main

    code, lines = refused_in_process(main, [*arguments, "--out", str(tmp_path / "out"),
                                            "--quiet"], capsys)
    assert code == 2 and len(lines) == 1 and flag in lines[0]
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_the_command_refuses_bad_input_in_one_line(tmp_path):
    """`python train.py` itself: exit code 2, one line on stderr, no traceback."""
    result = train("--len", "0", "--out", str(tmp_path / "out"), check=False)
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1 and "--len 0" in lines[0]
    assert "Traceback" not in result.stderr and not (tmp_path / "out").exists()


def test_digits_that_are_not_mnist_are_refused(tmp_path):
    """An .npz without MNIST arrays is refused before any run folder is made."""
    path = tmp_path / "other.npz"
    np.savez(path, weights=np.zeros(3))
    result = train("--digits", str(path), "--out", str(tmp_path / "out"), check=False)
    assert result.returncode == 2 and "not MNIST" in result.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_a_diverging_run_stops_names_the_step_and_keeps_its_last_finite_checkpoint(
        tmp_path, small_digits):
    """A NaN loss stops training, names the step, and keeps the last finite checkpoint."""
    import keras

    import nalu  # noqa: F401  (registers the cells for loading)

    result = train(*TINY, "--digits", small_digits, "--out", str(tmp_path), "--name", "boom",
                   "--lr", "1e30", "--checkpoint-every", "1")
    folder = tmp_path / "boom"
    results = json.loads((folder / "results.json").read_text())
    step = results["diverged_at_step"]
    assert step is not None and 1 < step <= 30
    assert f"diverged: the loss became NaN or inf at step {step}" in result.stderr
    # the weights of step - 1 gave the first non-finite loss; step - 2 is the last good one
    assert results["steps"] == step - 2
    model = keras.models.load_model(folder / "model.keras")
    assert all(np.all(np.isfinite(weight)) for weight in model.get_weights())


def test_mnist_prod_reads_a_unit_core_state_directly_and_a_baseline_through_a_layer():
    """mnist_prod: a unit core's state is the answer (identity head); baselines keep linear."""
    from tasks.mnist.config import MnistConfig
    from tasks.runner import prepare

    _, unit = prepare(MnistConfig(task="mnist_prod", core="nmu"))
    _, baseline = prepare(MnistConfig(task="mnist_prod", core="lstm"))
    _, chosen = prepare(MnistConfig(task="mnist_prod", core="nmu", head="linear"))
    _, summing = prepare(MnistConfig(task="mnist_sum", core="nac"))
    assert (unit.head, baseline.head, chosen.head, summing.head) == (
        "identity", "linear", "linear", "linear")


def test_a_run_checkpointed_by_the_earlier_format_still_resumes(tmp_path, small_digits):
    """A run in the older checkpoint and config format resumes, its later knobs off."""
    train(*TINY, "--steps", "30", "--checkpoint-every", "10", "--digits", small_digits,
          "--out", str(tmp_path), "--name", "run", "--shift", "0", "--weight-decay", "0",
          "--dropout", "0", "--test-shift", "0", "--encoder-norm", "none")
    folder = tmp_path / "run"
    whole = json.loads((folder / "results.json").read_text())
    config = json.loads((folder / "config.json").read_text())
    for knob in ("shift", "weight_decay", "dropout", "test_shift", "encoder_norm"):
        del config[knob]
    (folder / "config.json").write_text(json.dumps(config))
    (folder / "checkpoint-20.keras").rename(folder / "checkpoint.keras")
    for path in folder.glob("checkpoint-*.keras"):
        path.unlink()
    (folder / "checkpoint.json").write_text(json.dumps({"step": 20}))
    (folder / "results.json").unlink()
    train("--resume", str(folder), "--quiet")
    resumed = json.loads((folder / "results.json").read_text())
    assert resumed["steps"] == 30
    assert resumed["metrics"]["30"]["mae"] == whole["metrics"]["30"]["mae"]


def test_weight_decay_reaches_only_the_encoder_also_after_a_reload(tmp_path):
    """--weight-decay decays the encoder's weights only, also in a reloaded model."""
    import keras

    from tasks.mnist.config import MnistConfig
    from tasks.mnist.training import EncoderAdamW, decay_encoder_only
    from tasks.registry import get_task

    task = get_task("mnist_sum")
    config = MnistConfig(task="mnist_sum", weight_decay=0.05, steps=10, encoder_norm="none")
    model = task.make_model(config.resolved(task.defaults_for(config)))
    images = np.random.default_rng(0).random((2, 3, 28, 28, 1)).astype("float32")

    model.fit(images, np.ones((2, 1), "float32"), epochs=1, verbose=0)
    model.save(tmp_path / "model.keras")
    reloaded = keras.saving.load_model(tmp_path / "model.keras")
    assert isinstance(reloaded.optimizer, EncoderAdamW)
    assert reloaded.optimizer.weight_decay == 0.05
    decay_encoder_only(reloaded)
    for trained in (model, reloaded):
        encoder = {id(w) for w in trained.get_layer("encode").trainable_weights}
        decayed = [trained.optimizer._use_weight_decay(w) for w in trained.trainable_weights]
        assert decayed == [id(w) in encoder for w in trained.trainable_weights]
        assert sum(decayed) == 8 and len(decayed) == 11


def test_dropout_acts_in_training_only_and_survives_a_reload(tmp_path):
    """--dropout is random in training only, and keeps working after a reload."""
    import keras

    from tasks.mnist.config import MnistConfig
    from tasks.registry import get_task

    task = get_task("mnist_sum")
    config = MnistConfig(task="mnist_sum", dropout=0.5, steps=10, encoder_norm="none")
    model = task.make_model(config.resolved(task.defaults_for(config)))
    encoder = model.get_layer("encode").layer
    [dropout] = [layer for layer in encoder.layers if isinstance(layer, keras.layers.Dropout)]
    assert dropout.rate == 0.5
    images = np.random.default_rng(0).random((4, 3, 28, 28, 1)).astype("float32")
    inference = np.asarray(model(images, training=False))
    np.testing.assert_array_equal(inference, np.asarray(model(images, training=False)))
    assert not np.allclose(np.asarray(model(images, training=True)), inference)
    model.save(tmp_path / "model.keras")
    reloaded = keras.saving.load_model(tmp_path / "model.keras")
    np.testing.assert_array_equal(np.asarray(reloaded(images, training=False)), inference)


def test_resume_of_a_finished_run_refuses_and_changes_nothing(finished_run, capsys):
    """--resume on a run with results.json: exit 2, one line, every file byte-identical."""
    from train import main

    before = {path.name: path.read_bytes() for path in finished_run.iterdir() if path.is_file()}
    code, lines = refused_in_process(main, ["--resume", str(finished_run)], capsys)
    assert code == 2 and len(lines) == 1 and "has finished" in lines[0]
    after = {path.name: path.read_bytes() for path in finished_run.iterdir() if path.is_file()}
    assert after == before


@pytest.mark.parametrize("flag, value", [("--lr", "inf"), ("--lr", "nan"),
                                         ("--weight-decay", "nan"), ("--dropout", "inf")])
def test_a_number_flag_refuses_nan_and_infinity(tmp_path, capsys, flag, value):
    """nan and inf are refused in one line naming the flag and the value, nothing written."""
    from train import main

    code, lines = refused_in_process(main, [*TINY, flag, value, "--out", str(tmp_path / "o")],
                                     capsys)
    assert code == 2 and len(lines) == 1 and f"{flag} {value}" in lines[0]
    assert not (tmp_path / "o").exists()


def test_resume_of_a_folder_whose_config_is_not_an_object_refuses(tmp_path, capsys):
    """A config.json that is valid JSON of the wrong shape (a list): one line, exit 2."""
    from train import main

    (tmp_path / "config.json").write_text("[1, 2]\n")
    code, lines = refused_in_process(main, ["--resume", str(tmp_path)], capsys)
    assert code == 2 and len(lines) == 1 and "holds a JSON list, not an object" in lines[0]
    assert (tmp_path / "config.json").read_text() == "[1, 2]\n"
