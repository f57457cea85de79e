"""Weight constraints used by the units (applied by the optimizer after every update)."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="nalu")
class Clip(keras.constraints.Constraint):
    """Clips every weight into `[min_value, max_value]` after each optimizer step.

    NAU uses `Clip(-1, 1)`, NMU `Clip(0, 1)`, the NPU relevance gate `Clip(0, 1)`.

    Args:
        min_value: lower bound.
        max_value: upper bound, `>= min_value`.
    """

    def __init__(self, min_value=-1.0, max_value=1.0):
        if not min_value <= max_value:
            raise ValueError(
                f"`min_value` must be <= `max_value`, received: min_value={min_value!r}, "
                f"max_value={max_value!r}"
            )
        self.min_value = float(min_value)
        self.max_value = float(max_value)

    def __call__(self, w):
        return ops.clip(w, self.min_value, self.max_value)

    def get_config(self):
        return {"min_value": self.min_value, "max_value": self.max_value}
