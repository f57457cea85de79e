"""Scheduled regularizers: value, warm-up schedule, the callback, per-copy reduction."""

import keras
import numpy as np
import pytest

import nalu
from tests.helpers import to_numpy


def test_sparsity_schedule_at_known_steps():
    """lambda_t ramps linearly from start_step to end_step and stays at strength after."""
    regularizer = nalu.SparsityRegularizer(strength=2.0, start_step=100, end_step=300)
    weight = np.full((2, 2), 0.5, dtype="float32")  # penalty 0.5 everywhere
    for step, expected in [(0, 0.0), (100, 0.0), (200, 0.5), (300, 1.0), (10_000, 1.0)]:
        regularizer.set_step(step)
        np.testing.assert_allclose(float(regularizer(weight)), expected, rtol=1e-6)


def test_discretization_penalty_value():
    """iNALU's penalty is mean(max(threshold - |v|, 0))."""
    regularizer = nalu.DiscretizationRegularizer(strength=1.0, threshold=20.0)
    weight = np.array([[0.0, 25.0], [-10.0, 19.0]], dtype="float32")
    np.testing.assert_allclose(float(regularizer(weight)), (20 + 0 + 10 + 1) / 4, rtol=1e-6)


def test_penalty_is_summed_over_copies():
    """A weight with a copies axis is penalised per copy and summed."""
    regularizer = nalu.SparsityRegularizer(strength=1.0)
    single = np.full((2, 2), 0.25, dtype="float32")
    np.testing.assert_allclose(float(regularizer(np.stack([single] * 3))), 3 * 0.25, rtol=1e-6)


def test_schedule_callback_follows_the_optimizer_step():
    """RegularizerSchedule gives the regularizer the step of the optimizer during fit."""
    regularizer = nalu.SparsityRegularizer(1.0, start_step=0, end_step=1000)
    model = keras.Sequential([keras.Input((2,)), nalu.NAU(1, kernel_regularizer=regularizer)])
    model.compile("adam", "mse")
    model.fit(np.ones((32, 2)), np.ones((32, 1)), batch_size=4, epochs=1, verbose=0,
              callbacks=[nalu.RegularizerSchedule()])
    assert float(to_numpy(regularizer.step)) == 7.0  # the 8th batch starts at step 7


def test_schedule_reaches_the_compiled_training_step():
    """Each compiled training step's loss carries that step's regularizer ramp."""
    regularizer = nalu.SparsityRegularizer(1.0, start_step=0, end_step=4)
    layer = nalu.NAU(1, kernel_initializer=keras.initializers.Constant(0.5),
                     kernel_regularizer=regularizer)
    model = keras.Sequential([keras.Input((2,)), layer])
    model.compile(keras.optimizers.SGD(0.0), "mse")  # the weights stay at 0.5: penalty 0.5
    history = model.fit(np.zeros((4, 2)), np.zeros((4, 1)), batch_size=4, epochs=6, verbose=0,
                        callbacks=[nalu.RegularizerSchedule()])
    np.testing.assert_allclose(history.history["loss"], [0.0, 0.125, 0.25, 0.375, 0.5, 0.5],
                               atol=1e-6)


def test_negative_strength_is_rejected():
    """A negative strength raises a ValueError naming it."""
    with pytest.raises(ValueError, match="strength=-1"):
        nalu.SparsityRegularizer(-1)


def test_reinitialize_on_stagnation_redraws_weights():
    """A loss that stops improving makes the callback re-draw the weights once."""
    layer = nalu.INALU(1)
    model = keras.Sequential([keras.Input((2,)), layer])
    model.compile(keras.optimizers.Adam(0.01), "mse")
    model.fit(np.ones((4, 2)), np.full((4, 1), 3.0), verbose=0)  # the optimizer has moments
    callback = nalu.ReinitializeOnStagnation(patience=2, min_delta=0.5, threshold=0.0)
    callback.set_model(model)
    before = [to_numpy(weight) for weight in layer.trainable_weights]
    for epoch, loss in enumerate([10.0, 9.0, 8.9, 8.8]):
        callback.on_epoch_end(epoch, {"loss": loss})
    assert callback.reinitializations == 1
    after = [to_numpy(weight) for weight in layer.trainable_weights]
    assert all(not np.array_equal(b, a) for b, a in zip(before, after, strict=True))
    optimizer = model.optimizer
    assert float(to_numpy(optimizer.learning_rate)) == pytest.approx(0.01)  # kept
    assert int(to_numpy(optimizer.iterations)) == 1  # kept
    moments = [v for v in optimizer.variables if "momentum" in v.name or "velocity" in v.name]
    assert moments and all(not np.any(to_numpy(v)) for v in moments)  # reset


def test_reinitialize_on_stagnation_inside_fit():
    """Inside `fit`, a stalled loss re-draws the weights and training goes on from them."""
    layer = nalu.INALU(1)
    model = keras.Sequential([keras.Input((2,)), layer])
    model.compile(keras.optimizers.SGD(0.0), "mse")  # the loss never improves
    callback = nalu.ReinitializeOnStagnation(patience=1, min_delta=0.1, threshold=0.0, seed=0)
    before = [to_numpy(weight) for weight in layer.trainable_weights]
    history = model.fit(np.ones((8, 2)), np.full((8, 1), 3.0), batch_size=8, epochs=3,
                        verbose=0, callbacks=[callback])
    assert callback.reinitializations >= 1
    after = [to_numpy(weight) for weight in layer.trainable_weights]
    assert all(not np.array_equal(b, a) for b, a in zip(before, after, strict=True))
    assert history.history["loss"][2] != history.history["loss"][1]  # trained on new weights


def test_unit_magnitude_penalty_value():
    """The modified RealNPU's penalty is mean(|1 - |w||): 0 at +-1, 1 at 0."""
    regularizer = nalu.UnitMagnitudeRegularizer(strength=1.0)
    weight = np.array([[1.0, -1.0], [0.0, 0.5]], dtype="float32")
    np.testing.assert_allclose(float(regularizer(weight)), (0 + 0 + 1 + 0.5) / 4, rtol=1e-6)


def test_growing_l1_grows_tenfold_per_period_up_to_its_end():
    """beta = 1e-9 at step 0, 1e-8 from 10,000, capped at 1e-7; times sum |w| per copy."""
    regularizer = nalu.GrowingL1Regularizer(1e-9, 1e-7, 10.0, 10_000)
    weight = np.array([[[1.0, -2.0]], [[0.5, 0.5]]], dtype="float32")  # two copies, L1 4
    for step, beta in [(0, 1e-9), (9_999, 1e-9), (10_000, 1e-8), (25_000, 1e-7),
                       (90_000, 1e-7)]:
        regularizer.set_step(step)
        np.testing.assert_allclose(float(regularizer(weight)), beta * 4.0, rtol=1e-5)


def test_combined_regularizer_sums_its_parts_on_one_schedule_and_round_trips():
    """The parts read the combined step; the config rebuilds the same penalty."""
    combined = nalu.CombinedRegularizer([nalu.UnitMagnitudeRegularizer(2.0, 0, 100),
                                         nalu.GrowingL1Regularizer(1e-3, 1e-2, 10.0, 50)])
    weight = np.array([[0.5, -0.5]], dtype="float32")
    combined.set_step(50)  # ramp 0.5 -> 2 * 0.5 * 0.5; L1 1e-2 * 1
    np.testing.assert_allclose(float(combined(weight)), 0.5 + 1e-2, rtol=1e-5)
    rebuilt = keras.regularizers.get(keras.saving.serialize_keras_object(combined))
    rebuilt.set_step(50)
    np.testing.assert_allclose(float(rebuilt(weight)), float(combined(weight)), rtol=1e-6)


def test_bad_growing_l1_names_the_values():
    """An end below the start is a ValueError that names both."""
    with pytest.raises(ValueError, match=r"end_strength=1e-10"):
        nalu.GrowingL1Regularizer(1e-9, 1e-10)
