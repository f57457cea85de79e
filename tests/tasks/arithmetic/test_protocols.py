"""Named arithmetic protocols: their inputs, one-unit models, per-unit options, the iNALU
recipe's regularizers, the Table 1 baselines, and division learnt on the NPU protocol."""

import numpy as np
import pytest

from errors import UsageError
from tasks.arithmetic.models import ArithmeticModel
from tasks.arithmetic.protocols import PROTOCOLS
from tasks.arithmetic.settings import unit_options
from tasks.arithmetic.sweep import SweepConfig
from tasks.arithmetic.trainer import train_copies
from tests.conftest import refused_in_process


@pytest.mark.parametrize("name", [name for name, protocol in PROTOCOLS.items()
                                  if protocol.input_size == 2 and not protocol.range_pairs])
def test_pair_protocols_make_a_and_b_two_distinct_inputs(name):
    """On a two-input protocol each of a and b is one input, and never the same one."""
    data = SweepConfig(protocol=name).data("div")
    assert data.input_size == 2
    for seed in range(5):
        mask = data.masks(seed)
        assert mask.sum(axis=0).tolist() == [1.0, 1.0]
        assert mask[:, 0] @ mask[:, 1] == 0.0
        low, high = PROTOCOLS[name].interpolation
        inputs = data.draw(np.random.default_rng(seed), 64, data.interpolation)
        assert low <= inputs.min() and inputs.max() <= high


def test_flags_override_the_protocol_and_the_protocol_overrides_the_recipe():
    """Flags override the protocol's settings, which override the unit's recipe."""
    config = SweepConfig(protocol="inalu", interpolation=(1.0, 2.0), lr=0.5)
    assert config.data("add").interpolation == (1.0, 2.0)
    assert config.data("add").extrapolation == PROTOCOLS["inalu"].extrapolation
    settings = config.plan("inalu").settings
    assert (settings.learning_rate, settings.optimizer, settings.clip_value, settings.depth) \
        == (0.5, "rmsprop", 0.1, 1)
    assert SweepConfig().plan("nac").settings.depth == 2


def test_a_one_unit_model_is_the_unit_alone():
    """At depth 1 a model is the unit alone, one output per copy."""
    model = ArithmeticModel("realnpu", "static", [0, 1], lambda unit: {}, depth=1)
    outputs = model(np.ones((2, 3, 2), dtype="float32"))
    assert tuple(outputs.shape) == (2, 3, 1)
    assert [layer.unit_name for layer in model.layers] == ["realnpu"]


@pytest.mark.parametrize("arguments, named", [
    (["--protocol", "abacus"], "protocol"),
    (["--protocol", "npu", "--units", "nau-nmu"], "--units nau-nmu"),
    (["--protocol", "npu", "--task", "arith_running"], "--protocol npu"),
])
def test_bad_protocol_input_is_one_line(tmp_path, capsys, arguments, named):
    """An unknown protocol, or a unit pair under a one-unit protocol: one line, exit 2."""
    from sweep import main

    code, lines = refused_in_process(main, [*arguments, "--out", str(tmp_path / "out")],
                                     capsys)
    assert code == 2 and len(lines) == 1 and named in lines[0]
    assert not (tmp_path / "out").exists()


def test_inalu_recipe_regularizes_w_hat_m_hat_and_gate():
    """iNALU's recipe gives W_hat, M_hat and the gate the ramped discretization regularizer."""
    import nalu
    from tasks.arithmetic.settings import ArithmeticSettings

    options = unit_options(ArithmeticSettings(steps=1000, regularizer_start=0.1,
                                              regularizer_end=0.1))(nalu.INALU)
    regularizers = {name: value for name, value in options.items()
                    if name.endswith("_regularizer")}
    assert sorted(regularizers) == ["gate_regularizer", "m_hat_regularizer",
                                    "w_hat_regularizer"]
    assert options["w_hat_initializer"]["config"]["mean"] == 0.0
    for regularizer in regularizers.values():
        assert isinstance(regularizer, nalu.DiscretizationRegularizer)
        assert (regularizer.start_step, regularizer.end_step) == (100, 100)
    assert unit_options(ArithmeticSettings())(nalu.NAC) == {}


def test_npu_zero_starts_the_power_weights_at_zero():
    """The npu_zero protocol starts the (Real)NPU's power weights at zero."""
    import nalu

    settings = SweepConfig(protocol="npu_zero").plan("realnpu").settings
    layer = nalu.RealNPU(1, copy_seeds=[0, 1], **unit_options(settings)(nalu.RealNPU))
    layer(np.ones((2, 4, 2), dtype="float32"))
    assert not np.asarray(layer.kernel).any()


def test_none_baseline_is_affine_and_recurrent_baselines_are_running_only():
    """The `none` baseline is affine; recurrent baselines run on arith_running only."""
    model = ArithmeticModel("none", "static", [0], lambda unit: {})
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(2, 1, 5, 3)).astype("float32")
    zero = np.zeros_like(x)
    f = [np.asarray(model(value)) for value in (x, y, x + y, zero)]
    np.testing.assert_allclose(f[2] - f[1], f[0] - f[3], rtol=1e-4, atol=1e-4)
    with pytest.raises(UsageError, match="rnn_relu"):
        ArithmeticModel("rnn_relu", "static", [0], lambda unit: {})
    running = ArithmeticModel("rnn_relu", "running", [0, 1], lambda unit: {})
    assert tuple(running(np.ones((2, 3, 4, 10), dtype="float32")).shape) == (2, 3, 1)


def test_realnpu_learns_division_on_the_npu_zero_protocol():
    """On npu_zero most RealNPU seeds meet the 1e-5 criterion on a / b."""
    config = SweepConfig(protocol="npu_zero", units=("realnpu",), ops=("div",))
    results = train_copies(config.data("div"), config.plan("realnpu").settings, "realnpu",
                           range(6))
    assert sum(result["success"] for result in results) >= 4
    assert max(result["extrapolation_mse"] for result in results
               if result["success"]) < 1e-8


def test_inalu_paper_start_is_a_product_of_all_100_inputs_and_the_recipe_avoids_it():
    """iNALU's paper start multiplies all 100 inputs; the recipe's start does not."""
    import dataclasses

    from tasks.arithmetic.trainer import random_start_mse

    def start(protocol, unit, paper_start=False):
        config = SweepConfig(protocol=protocol)
        settings = config.plan(unit).settings
        if paper_start:
            settings = dataclasses.replace(settings, unit_options={
                "inalu": {"w_hat_initializer": "default"}})
        return random_start_mse(config.data("add"), settings, unit, 5)[0]

    nac = start("madsen", "nac")
    assert start("madsen", "inalu", paper_start=True) > 1e6 * nac
    assert start("madsen", "inalu") < 10 * nac
    assert start("inalu", "inalu") < 1e3
