"""The language task's weightless layers over token sequences (saved with its models)."""

import keras


class _StepwiseLayer(keras.layers.Layer):
    """A weightless layer over (batch, time, n) that keeps the tokens' mask."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True


@keras.saving.register_keras_serializable(package="tasks")
class RunningSum(_StepwiseLayer):
    """(batch, time, n) -> the sum over the steps so far, after every step (no weights).

    Padding comes after a sequence's tokens, so it never enters a real step's sum."""

    def call(self, values):
        return keras.ops.cumsum(values, axis=1)


@keras.saving.register_keras_serializable(package="tasks")
class Previous(_StepwiseLayer):
    """(batch, time, n) -> the value one step earlier at every step (zeros at the first)."""

    def call(self, values):
        return keras.ops.pad(values[:, :-1], [[0, 0], [1, 0], [0, 0]])
