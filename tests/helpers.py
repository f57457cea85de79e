"""Small shared helpers for the unit tests, on whichever Keras backend runs them: fit a
one-layer model on a target function, read tensors, take gradients."""

import keras
import numpy as np


def to_numpy(tensor):
    """A backend tensor (or variable) as a NumPy array, on any backend."""
    return keras.ops.convert_to_numpy(tensor)


def outputs_and_gradients(layer, inputs):
    """`layer(inputs)` and the gradients of its sum with respect to the inputs and to each
    trainable weight, as NumPy arrays, computed by the backend that runs the tests."""
    inputs = np.asarray(inputs, dtype="float32")
    layer(inputs)  # build
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        tensor = tf.constant(inputs)
        with tf.GradientTape() as tape:
            tape.watch(tensor)
            outputs = layer(tensor)
            total = tf.reduce_sum(outputs)
        gradients = tape.gradient(total, [tensor, *layer.trainable_weights])
    elif backend == "jax":
        import jax

        def total(values, tensor):
            outputs, _ = layer.stateless_call(
                values, [variable.value for variable in layer.non_trainable_variables], tensor)
            return outputs.sum(), outputs

        values = [weight.value for weight in layer.trainable_weights]
        (_, outputs), (weight_gradients, input_gradient) = jax.value_and_grad(
            total, argnums=(0, 1), has_aux=True)(values, inputs)
        gradients = [input_gradient, *weight_gradients]
    elif backend == "torch":
        import torch

        tensor = torch.tensor(inputs, requires_grad=True)
        outputs = layer(tensor)
        weights = [weight.value for weight in layer.trainable_weights]
        gradients = torch.autograd.grad(outputs.sum(), [tensor, *weights], allow_unused=True)
        gradients = [g if g is not None else torch.zeros_like(w)
                     for g, w in zip(gradients, [tensor, *weights], strict=True)]
    else:
        raise NotImplementedError(f"no gradient helper for the {backend} backend")
    return to_numpy(outputs), [to_numpy(gradient) for gradient in gradients]


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
