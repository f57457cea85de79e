"""Independent seeded copies of a layer's weights, trained as one computation.

Every unit can hold `copy_seeds`: a list of seeds, one per independent copy. The weights
then get a leading axis of that length, the input is `(copies, batch, features)`, and copy
`k` is initialised from `copy_seeds[k]` alone. This lets one computation train a hundred
seeds of a unit at once, with each seed giving the same result as when trained on its own
(the losses of the copies are summed; Adam updates every weight independently).
"""

import zlib

import keras
from keras import ops


def _copy_seed(seed, weight_name):
    return (int(seed) * 1_000_003 + zlib.crc32(weight_name.encode())) % (2**31 - 1)


class _PerCopyInitializer:
    """Draws each copy's slice with the wrapped initializer and its own seed."""

    def __init__(self, initializer, seeds, weight_name):
        self.initializer = initializer
        self.seeds = seeds
        self.weight_name = weight_name

    def __call__(self, shape, dtype=None):
        config = self.initializer.get_config()
        slices = []
        for seed in self.seeds:
            initializer = self.initializer
            if "seed" in config:
                seeded = {**config, "seed": _copy_seed(seed, self.weight_name)}
                initializer = self.initializer.__class__.from_config(seeded)
            slices.append(initializer(tuple(shape[1:]), dtype=dtype))
        return ops.stack(slices)


class CopiesLayer(keras.layers.Layer):
    """A layer whose weights may carry a leading axis of independent, seeded copies.

    `copy_seeds`: None (an ordinary layer) or a non-empty list of seeds; copy `k` of every
    weight made with `add_copies_weight` is initialised from `copy_seeds[k]` alone.
    """

    def __init__(self, copy_seeds=None, **kwargs):
        super().__init__(**kwargs)
        if copy_seeds is not None:
            if len(copy_seeds) == 0:
                raise ValueError(
                    f"`copy_seeds` must be None or a non-empty list, received: "
                    f"copy_seeds={copy_seeds!r}"
                )
            copy_seeds = [int(seed) for seed in copy_seeds]
        self.copy_seeds = copy_seeds

    @property
    def copies(self):
        """Number of independent copies (None for an ordinary layer)."""
        return None if self.copy_seeds is None else len(self.copy_seeds)

    def add_copies_weight(self, name, shape, initializer, regularizer=None, constraint=None):
        """`add_weight` with a leading copies axis when the layer holds copies."""
        initializer = keras.initializers.get(initializer)
        if self.copy_seeds is not None:
            initializer = _PerCopyInitializer(initializer, self.copy_seeds, name)
            shape = (len(self.copy_seeds), *shape)
        weight = self.add_weight(
            name=name, shape=shape, initializer=initializer, regularizer=regularizer,
            constraint=constraint,
        )
        self.track_schedule(regularizer)
        return weight

    def track_schedule(self, regularizer):
        """Make a scheduled regularizer's step part of this layer's state.

        A compiled training step (JAX's above all) sees only the variables the model tracks;
        an untracked step would be read once, when the step is traced, and frozen there.
        """
        step = getattr(regularizer, "step", None)
        if isinstance(step, keras.Variable) and not any(
                step is variable for variable in self._non_trainable_variables):
            self._track_variable(step)

    def get_config(self):
        return {**super().get_config(), "copy_seeds": self.copy_seeds}
