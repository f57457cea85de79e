"""Small shared helpers for the unit tests: fit a one-layer model on a target function."""

import keras
import numpy as np


def fit_unit(layer, target, low=1.0, high=2.0, features=2, steps=1500, learning_rate=0.05,
             seed=0):
    """Train `layer` alone on `target(x)` with x ~ U[low, high]; return the trained model."""
    keras.utils.set_random_seed(seed)
    rng = np.random.default_rng(seed)
    inputs = rng.uniform(low, high, (4096, features)).astype("float32")
    model = keras.Sequential([keras.Input((features,)), layer])
    model.compile(keras.optimizers.Adam(learning_rate), "mse")
    model.fit(inputs, target(inputs), batch_size=64, epochs=steps // 64, verbose=0)
    return model


def extrapolation_error(model, target, low=2.0, high=6.0, features=2, seed=1):
    """Mean absolute relative error of `model` against `target` on x ~ U[low, high]."""
    inputs = np.random.default_rng(seed).uniform(low, high, (1000, features)).astype("float32")
    expected = target(inputs)
    predicted = model.predict(inputs, verbose=0)
    return float(np.mean(np.abs(predicted - expected) / np.abs(expected)))


def set_weights(layer, features, **values):
    """Build `layer` for `features` inputs and set named weights to constant values."""
    if not layer.built:
        layer.build((None, features))
    for weight in layer.weights:
        name = weight.path.split("/")[-1]
        if name in values:
            weight.assign(np.broadcast_to(values[name], weight.shape).astype("float32"))
    return layer


def add(x):
    return x[:, :1] + x[:, 1:2]


def subtract(x):
    return x[:, :1] - x[:, 1:2]


def multiply(x):
    return x[:, :1] * x[:, 1:2]


def divide(x):
    return x[:, :1] / x[:, 1:2]
