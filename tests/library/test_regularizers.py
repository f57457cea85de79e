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
