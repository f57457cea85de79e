"""The sequential MNIST product (Madsen & Johansen 2020): the solved-accumulator cores, the
NMU core's regulariser on its encodings, the targets after every step, and the run."""

import json

import numpy as np
import pytest

from errors import UsageError


def test_exact_cores_keep_the_running_sum_and_product_at_any_length():
    """exact_product starts at 1 and multiplies, exact_sum starts at 0 and adds, no weights;
    both are read directly (identity head, one state value per output)."""
    from tasks import cores

    rng = np.random.default_rng(0)
    values = rng.uniform(0.5, 1.5, (3, 40, 1)).astype("float32")
    product = cores.build_core("exact_product", 1, sequences=True)
    total = cores.build_core("exact_sum", 1)
    np.testing.assert_allclose(np.asarray(product(values)), np.cumprod(values, axis=1),
                               rtol=1e-5)
    np.testing.assert_allclose(np.asarray(total(values)), values.sum(axis=1), rtol=1e-5)
    assert not product.weights and not total.weights
    assert cores.is_accumulator_core("exact_product") and not cores.is_accumulator_core("lstm")
    with pytest.raises(UsageError, match="--core exact_product: the state"):
        cores.build_core("exact_product", 2)(values)


def test_the_input_penalty_is_madsens_r_z_in_training_only():
    """InputPenaltyRNN adds penalty * mean((1 - W_x) (1 - mean z)^2) while training, W_x the
    NMU's weights on the inputs (not on the state), and nothing outside training."""
    from tasks import cores

    layer = cores.build_core("nmu", 1, input_penalty=0.5)
    z = np.array([[[2.0], [4.0]], [[3.0], [5.0]]], "float32")  # mean 3.5
    layer(z)
    kernel = np.array([[1.0], [0.25]], "float32")  # state row 1, input row 0.25
    layer.cell.unit.kernel.assign(kernel)
    layer(z, training=True)
    assert len(layer.losses) == 1
    np.testing.assert_allclose(float(layer.losses[0]), 0.5 * 0.75 * 2.5 ** 2, rtol=1e-6)
    layer(z, training=False)
    assert not layer.losses
    with pytest.raises(UsageError, match="--z-penalty 1.0: only for the cores nmu, snmu, not"
                                         " lstm"):
        cores.build_core("lstm", 1, input_penalty=1.0)


def test_mnist_prod_scores_every_prefix_and_the_product_at_the_end():
    """Training targets are the running product (batch, length, 1); scoring reads the last."""
    from tasks import get_task

    task = get_task("mnist_prod")
    labels = np.array([[2, 3, 4], [9, 1, 5]])
    np.testing.assert_array_equal(np.asarray(task.step_target(labels))[..., 0],
                                  [[2, 6, 24], [9, 9, 45]])
    np.testing.assert_array_equal(task.targets(labels), [[24], [45]])
    scores = task.score(np.array([[25.0], [45.0]]), np.array([[24.0], [45.0]]))
    assert scores == {"mae": 0.5, "mse": 0.5, "accuracy": 0.5}


def test_mnist_prod_gives_the_penalty_to_nmu_cores_and_refuses_it_elsewhere():
    from tasks.mnist.config import MnistConfig
    from tasks.runner import prepare

    _, nmu = prepare(MnistConfig(task="mnist_prod", core="nmu"))
    _, lstm = prepare(MnistConfig(task="mnist_prod", core="lstm"))
    _, summing = prepare(MnistConfig(task="mnist_sum", core="nmu"))
    assert (nmu.z_penalty, lstm.z_penalty, summing.z_penalty) == (1.0, 0.0, 0.0)
    with pytest.raises(UsageError, match="--z-penalty 2.0: only for the cores"):
        prepare(MnistConfig(task="mnist_prod", core="nalu", z_penalty=2.0))


def test_an_exact_core_narrower_or_wider_than_the_encoding_is_refused_before_the_run():
    """`--core exact_product --hidden 2` over one-value encodings: refused when the config
    is prepared (before train.py writes a run folder), naming --hidden; the default fits."""
    from tasks.mnist.config import MnistConfig
    from tasks.runner import prepare

    _, config = prepare(MnistConfig(task="mnist_prod", core="exact_product"))
    assert config.core == "exact_product"
    with pytest.raises(UsageError, match="--hidden 2: --core exact_product keeps one value"):
        prepare(MnistConfig(task="mnist_prod", core="exact_product", hidden=2))


def test_a_short_product_run_trains_on_prefixes_saves_and_scores_again(tmp_path, small_digits):
    """A tiny mnist_prod run with the NMU core: the saved model (its penalised core
    included) loads and scores its run's figures again."""
    from tasks.saved_runs import open_run
    from train import main

    main(["--task", "mnist_prod", "--steps", "20", "--batch-size", "8", "--eval-lengths",
          "1,3", "--eval-sequences", "16", "--digits", small_digits, "--out", str(tmp_path),
          "--name", "run", "--quiet"])
    folder = tmp_path / "run"
    results = json.loads((folder / "results.json").read_text())
    assert set(results["metrics"]) == {"1", "3"} and "mse" in results["metrics"]["3"]
    run = open_run(folder)
    model = run.load_model()
    core = model.get_layer("core")
    assert type(core).__name__ == "InputPenaltyRNN" and core.penalty == 1.0
    assert model.output.shape[1] is None  # one output per step
    from data.sequences import images_as_floats
    from tasks.mnist.evaluation import score_lengths

    digits = run.task.load_digits(run.config)
    again = score_lengths(model, images_as_floats(digits.test_images), digits.test_labels,
                          run.task, [3], 16, run.config.seed, quiet=True)
    assert again["3"]["mse"] == pytest.approx(results["metrics"]["3"]["mse"], rel=1e-5)


def test_product_encodings_start_on_the_positive_side():
    """mnist_prod's encoder is the magnitude of an output layer started at 5, so every image
    starts near the digits' mean and no encoding can turn negative; the sum's is linear,
    from 0."""
    from tasks import get_task
    from tasks.mnist.config import MnistConfig
    from tasks.runner import prepare

    for name, start in (("mnist_prod", 5.0), ("mnist_sum", 0.0)):
        task, config = prepare(MnistConfig(task=name))
        model = task.make_model(config)
        output_layer = model.get_layer("encode").layer.layers[-1]
        assert float(np.asarray(output_layer.bias)[0]) == start
        images = np.random.default_rng(0).random((4, 28, 28, 1)).astype("float32")
        encodings = np.asarray(model.get_layer("encode").layer(images))
        assert np.all(np.abs(encodings - start) < 2.5)
        big_negative = output_layer(np.full((2, 500), -1.0, "float32") * 1e3
                                    * np.sign(np.asarray(output_layer.kernel)[:, 0]))
        assert (np.all(np.asarray(big_negative) >= 0) if name == "mnist_prod"
                else np.all(np.asarray(big_negative) < 0))
    assert get_task("mnist_prod").encoding_activation == "magnitude"
