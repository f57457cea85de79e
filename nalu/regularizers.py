"""Regularizers of the units, with the warm-up schedule of Madsen & Johansen (2020).

Every regularizer here is a `keras.regularizers.Regularizer`, so it appears in
`layer.losses`. Its strength ramps up with the training step:

    lambda_t = strength * clip((t - start_step) / (end_step - start_step), 0, 1)

The step is a variable set by `nalu.callbacks.RegularizerSchedule` (with `model.fit`) or by
`set_step(t)` in a custom loop. Weights with a leading axis of independent copies
(`copy_seeds`) are regularized per copy and summed, so copies never influence each other.
"""

import keras
from keras import ops


class ScheduledRegularizer(keras.regularizers.Regularizer):
    """Base class: `strength * ramp(step) * penalty(w)`; subclasses define `penalty`.

    Args:
        strength: the regularizer weight once the ramp has finished (`lambda_hat`).
        start_step: step at which the ramp starts (weight 0 before it).
        end_step: step at which the ramp reaches `strength`; `end_step <= start_step`
            switches the full strength on at `start_step`.
    """

    def __init__(self, strength=0.01, start_step=0, end_step=0):
        if not strength >= 0:
            raise ValueError(f"`strength` must be >= 0, received: strength={strength!r}")
        self.strength = float(strength)
        self.start_step = int(start_step)
        self.end_step = int(end_step)
        self.step = keras.Variable(0.0, trainable=False, dtype="float32", name="schedule_step")

    def set_step(self, step):
        """Set the training step that the schedule reads."""
        self.step.assign(ops.cast(step, "float32"))

    def ramp(self):
        """The schedule factor in [0, 1] at the current step."""
        if self.end_step <= self.start_step:
            return ops.cast(self.step >= self.start_step, "float32")
        fraction = (self.step - self.start_step) / (self.end_step - self.start_step)
        return ops.clip(fraction, 0.0, 1.0)

    def penalty(self, w):
        raise NotImplementedError

    def __call__(self, w):
        values = self.penalty(w)
        # mean within one copy (the last two axes), summed over copies
        per_copy = ops.mean(values, axis=(-2, -1)) if len(values.shape) >= 2 else ops.mean(values)
        return self.strength * self.ramp() * ops.sum(per_copy)

    def get_config(self):
        return {
            "strength": self.strength,
            "start_step": self.start_step,
            "end_step": self.end_step,
        }


@keras.saving.register_keras_serializable(package="nalu")
class SparsityRegularizer(ScheduledRegularizer):
    """NAU/NMU sparsity: `lambda_t * mean(min(|w|, 1 - |w|))`, zero at w in {-1, 0, 1}.

    Reference: Madsen & Johansen, "Neural Arithmetic Units", ICLR 2020, arXiv 2001.05016.
    Example: `nalu.NAU(2, kernel_regularizer=SparsityRegularizer(0.01, 5000, 50000))`.
    """

    def penalty(self, w):
        magnitude = ops.abs(w)
        return ops.minimum(magnitude, 1.0 - magnitude)


@keras.saving.register_keras_serializable(package="nalu")
class DiscretizationRegularizer(ScheduledRegularizer):
    """iNALU's push of `|v|` past `threshold`: `lambda_t * mean(max(threshold - |v|, 0))`.

    Applied to `W_hat` and `M_hat`, it drives `tanh` and `sigmoid` into saturation, so the
    effective weights become discrete. Paper: strength 0.05, threshold 20, switched on late.

    Reference: Schloer, Ring, Hotho, "iNALU", arXiv 2003.07629.
    """

    def __init__(self, strength=0.05, start_step=0, end_step=0, threshold=20.0):
        super().__init__(strength, start_step, end_step)
        self.threshold = float(threshold)

    def penalty(self, w):
        return ops.maximum(self.threshold - ops.abs(w), 0.0)

    def get_config(self):
        return {**super().get_config(), "threshold": self.threshold}


@keras.saving.register_keras_serializable(package="nalu")
class UnitMagnitudeRegularizer(ScheduledRegularizer):
    """The modified RealNPU's push of `W` towards +-1: `lambda_t * mean(|1 - |w||)`.

    Reference: Mistry, Farrahi & Hare, "Learning Division with Neural Arithmetic Logic
    Modules", NeurIPS 2021, arXiv 2110.05177.
    """

    def penalty(self, w):
        return ops.abs(1.0 - ops.abs(w))


@keras.saving.register_keras_serializable(package="nalu")
class GrowingL1Regularizer(ScheduledRegularizer):
    """An L1 penalty whose weight grows in steps: `beta_t * sum(|w|)` per copy, with
    `beta_t = min(strength * growth ** floor(step / every), end_strength)`.

    The RealNPU's penalty on all its parameters as Mistry et al. (2021) train it: 1e-9
    growing 10x every 10,000 steps up to 1e-7. The sum (not the mean) over a copy's weights
    is this implementation's reading of "L1".

    Args:
        strength: the weight at step 0.
        end_strength: the largest weight.
        growth: the factor applied every `every` steps.
        every: steps between two growths.
    """

    def __init__(self, strength=1e-9, end_strength=1e-7, growth=10.0, every=10000):
        super().__init__(strength)
        if not end_strength >= strength or not growth >= 1 or not every >= 1:
            raise ValueError(
                f"need end_strength >= strength, growth >= 1, every >= 1, received: "
                f"strength={strength!r}, end_strength={end_strength!r}, growth={growth!r}, "
                f"every={every!r}")
        self.end_strength = float(end_strength)
        self.growth = float(growth)
        self.every = int(every)

    def __call__(self, w):
        periods = ops.floor(self.step / self.every)
        beta = ops.minimum(self.strength * ops.power(self.growth, periods), self.end_strength)
        magnitude = ops.abs(w)
        per_copy = ops.sum(magnitude, axis=(-2, -1)) if len(w.shape) >= 2 else ops.sum(magnitude)
        return beta * ops.sum(per_copy)

    def get_config(self):
        return {"strength": self.strength, "end_strength": self.end_strength,
                "growth": self.growth, "every": self.every}


@keras.saving.register_keras_serializable(package="nalu")
class CombinedRegularizer(ScheduledRegularizer):
    """The sum of several scheduled regularizers on one weight, all reading one step.

    Example: `CombinedRegularizer([UnitMagnitudeRegularizer(1, 5000, 7500),
    GrowingL1Regularizer()])`, the modified RealNPU's two penalties on `W`.
    """

    def __init__(self, parts):
        super().__init__(0.0)
        self.parts = [part if isinstance(part, ScheduledRegularizer)
                      else keras.saving.deserialize_keras_object(part) for part in parts]
        if not self.parts:
            raise ValueError("`parts` must name at least one regularizer, received: parts=[]")
        for part in self.parts:
            part.step = self.step  # one schedule for all

    def __call__(self, w):
        return sum(part(w) for part in self.parts)

    def get_config(self):
        return {"parts": [keras.saving.serialize_keras_object(part) for part in self.parts]}
