"""The single-module protocols (smat, smat10): their ranges and inputs, each unit's paper
settings, per-copy gradient clipping, the noisy unit's state on JAX, and multiplication
learnt on all nine range pairs at once."""

import os
import subprocess
import sys

import keras
import numpy as np

from tasks.arithmetic.protocols import SINGLE_MODULE_RANGES
from tasks.arithmetic.settings import unit_options
from tasks.arithmetic.steppers import clip_per_copy
from tasks.arithmetic.sweep import SweepConfig, train_block
from tests.helpers import to_numpy


def test_smat_trains_nine_range_pairs_and_smat10_hides_a_and_b_among_ten():
    """smat: 9 pairs of two-input data; smat10: a and b one input each of 10, disjoint."""
    pairs = SweepConfig(protocol="smat").range_data("div")
    assert [(data.interpolation, data.extrapolation) for data in pairs] == list(
        SINGLE_MODULE_RANGES)
    assert {data.input_size for data in pairs} == {2}
    for data in SweepConfig(protocol="smat10").range_data("div"):
        mask = data.masks(3)
        assert data.input_size == 10 and mask.sum(axis=0).tolist() == [1.0, 1.0]
        assert mask[:, 0] @ mask[:, 1] == 0.0


def test_a_union_range_draws_both_sides_and_nothing_between():
    """U[-6,-2] u U[2,6]: about half negative, none inside (-2, 2)."""
    [data] = [data for data in SweepConfig(protocol="smat").range_data("mul")
              if data.interpolation == (-2.0, 2.0)]
    drawn = data.draw(np.random.default_rng(0), 20_000, data.extrapolation)
    assert np.all(np.abs(drawn) >= 2.0) and np.all(np.abs(drawn) <= 6.0)
    assert 0.45 < np.mean(drawn < 0) < 0.55


def test_range_flags_replace_the_nine_pairs():
    """--interpolation / --extrapolation given: the one pair they name."""
    [data] = SweepConfig(protocol="smat", interpolation=(1.0, 2.0),
                         extrapolation=(2.0, 6.0)).range_data("div")
    assert (data.interpolation, data.extrapolation) == ((1.0, 2.0), (2.0, 6.0))


def test_each_unit_trains_with_its_papers_settings():
    """NMRU: Adam 1e-2 and the gradient norm clipped to 1; RealNPU: 5e-3 and the growing L1
    on W and the gate; the modified RealNPU: two penalties on each; others: 1e-3. On the
    100-input task the NMRU keeps its clipping."""
    import nalu

    config = SweepConfig(protocol="smat10")
    nmru = config.plan("nmru").settings
    assert (nmru.learning_rate, nmru.clip_norm, nmru.steps) == (1e-2, 1.0, 100_000)
    assert (config.plan("nmu").settings.learning_rate,
            config.plan("nmu").settings.clip_norm) == (1e-3, None)
    realnpu = config.plan("realnpu").settings
    options = unit_options(realnpu)(nalu.RealNPU)
    assert realnpu.learning_rate == 5e-3
    for weight in ("kernel", "gate"):
        assert isinstance(keras.regularizers.get(options[f"{weight}_regularizer"]),
                          nalu.GrowingL1Regularizer)
    assert SweepConfig().plan("nmru").settings.clip_norm == 1.0  # 100 inputs: NAU -> NMRU
    modified = unit_options(config.plan("realnpu_mod").settings)(nalu.ModifiedRealNPU)
    kinds = {weight: sorted(type(part).__name__
                            for part in modified[f"{weight}_regularizer"].parts)
             for weight in ("kernel", "gate")}
    assert kinds == {"kernel": ["GrowingL1Regularizer", "UnitMagnitudeRegularizer"],
                     "gate": ["GrowingL1Regularizer", "SparsityRegularizer"]}


def test_every_unit_trains_with_the_references_adam_whatever_its_own_recipe():
    """The protocol's optimizer is the reference's for every unit: Adam with beta_1 0.9 and no
    clipping but the NMRU's, also for the NMU and sNMU, whose own recipe averages with
    beta_1 0.999."""
    import nalu
    from tasks.arithmetic.settings import default_settings

    assert default_settings("static", "nmu").beta_1 == 0.999  # what the protocol replaces
    for protocol in ("smat", "smat10"):
        config = SweepConfig(protocol=protocol)
        for unit in sorted(nalu.UNITS):
            settings = config.plan(unit).settings
            assert (settings.optimizer, settings.beta_1, settings.clip_value) == (
                "adam", 0.9, None), (protocol, unit)
            assert settings.clip_norm == (1.0 if unit == "nmru" else None), (protocol, unit)


def test_gradient_norm_is_clipped_per_copy():
    """A copy with norm 10 is scaled to norm 1; a copy with norm 0.5 is left alone."""
    first = np.array([[[6.0, 0.0]], [[0.3, 0.0]]], dtype="float32")
    second = np.array([[8.0], [0.4]], dtype="float32")
    clipped = [to_numpy(g) for g in clip_per_copy([first, second], 1.0)]
    norms = [np.sqrt(sum(np.sum(g[copy] ** 2) for g in clipped)) for copy in range(2)]
    np.testing.assert_allclose(norms, [1.0, 0.5], rtol=1e-6)
    np.testing.assert_allclose(clipped[0][1], first[1])


def test_snmu_and_nmu_multiply_on_every_range_pair():
    """3,000 steps of smat `mul`, one seed per pair: at least 8 of the 9 pairs succeed (the
    extrapolation MSE at the best interpolation below 1e-5) for both units."""
    import dataclasses

    config = SweepConfig(protocol="smat", ops=("mul",))
    data = [dataclasses.asdict(each) for each in config.range_data("mul")]
    for unit in ("nmu", "snmu"):
        settings = dataclasses.replace(config.plan(unit).settings, steps=3000,
                                       eval_samples=1000)
        results = train_block(data, dataclasses.asdict(settings), unit, [0])
        assert len({result["range"] for result in results}) == 9
        assert {result["threshold_mse"] for result in results} == {1e-5}
        assert sum(result["success"] for result in results) >= 8, (unit, results)


CARRIED = """
import json, numpy as np, keras, nalu
from data.arithmetic import ArithmeticData
from tasks.arithmetic.models import ArithmeticModel
from tasks.arithmetic.settings import ArithmeticSettings, make_optimizer, unit_options
from tasks.arithmetic.steppers import stepper
settings = ArithmeticSettings(depth=1, steps=4, eval_every=2, pool_size=256)
inputs = np.random.default_rng(0).uniform(1, 2, (1, 256, 2)).astype("float32")
pool = (keras.ops.convert_to_tensor(inputs),
        keras.ops.convert_to_tensor(inputs.prod(axis=-1, keepdims=True)))
model = ArithmeticModel("snmu", "static", [0], unit_options(settings), depth=1)
model(pool[0][:, :2])
optimizer = make_optimizer(settings)
optimizer.build(model.trainable_weights)
regularizers = [value for value in vars(model.layers[0]).values()
                if isinstance(value, nalu.ScheduledRegularizer)]
steps = stepper(model, optimizer, regularizers, pool, settings)
states = [np.asarray(steps.state[2][0]).tolist()]
for first in (0, 2):
    steps.train(first, 2)
    states.append(np.asarray(steps.state[2][0]).tolist())
steps.finish()
print(json.dumps({"carried": [variable.path for variable in steps.carried], "states": states,
                  "final": np.asarray(steps.carried[0].value).tolist()}))
"""


def test_the_noise_state_advances_through_the_compiled_jax_loop():
    """On JAX the sNMU's seed state is carried through the compiled steps (a new draw each
    step, not one frozen at tracing) and written back at the end."""
    import json

    environment = {**os.environ, "KERAS_BACKEND": "jax", "CUDA_VISIBLE_DEVICES": ""}
    done = subprocess.run([sys.executable, "-c", CARRIED], capture_output=True, text=True,
                          env=environment, cwd=os.getcwd())
    assert done.returncode == 0, done.stderr[-2000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert len(found["carried"]) == 1 and "seed_generator" in found["carried"][0]
    start, middle, end = found["states"]
    assert start != middle != end
    assert found["final"] == end
