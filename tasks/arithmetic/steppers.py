"""The batched arithmetic trainer's inner loop on each Keras backend.

A stepper trains every seed's copy of a model at once (`tasks.arithmetic.trainer`): each
step takes the batch at `step * batch_size` of every seed's training pool, sums the copies'
MSE (non-finite terms dropped) and the regularizers, and applies Adam with non-finite
gradients zeroed (and each copy's gradient norm clipped to `clip_norm` when it is set).
The backends run that same step their own way:

- `tensorflow`: a `tf.function` loop over `eval_every` steps (XLA with NALU_XLA=1).
- `jax`: the whole block of steps compiled as one `lax.fori_loop` through Keras' stateless
  API; the weights live outside the Keras variables until `finish`.
- `torch`: an eager loop, one step at a time.

A new backend is one class with `train(first, count)`, `evaluate(inputs, targets)` (per-copy
MSE as NumPy) and `finish()`, added to `STEPPERS`. Each backend draws its own initial
weights, so per-seed results are reproducible for a given backend, not across backends.
"""

import os

import keras
import numpy as np


def per_copy_mse(predictions, targets):
    return keras.ops.mean(keras.ops.square(predictions - targets), axis=(1, 2))


def clip_per_copy(gradients, clip_norm):
    """Each copy's gradients scaled so that their joint norm is at most `clip_norm` (the
    global-norm clipping of one model, done per copy: copies stay independent). Every
    gradient has the copies axis first."""
    ops = keras.ops
    squares = sum(ops.sum(ops.square(gradient), axis=tuple(range(1, len(gradient.shape))))
                  for gradient in gradients)  # (copies,)
    scale = ops.minimum(1.0, clip_norm / ops.maximum(ops.sqrt(squares), 1e-12))
    return [gradient * ops.reshape(scale, (-1,) + (1,) * (len(gradient.shape) - 1))
            for gradient in gradients]


class Stepper:
    """What every backend's stepper holds: the model, its optimizer, the scheduled
    regularizers, the stacked training pool, the settings."""

    def __init__(self, model, optimizer, regularizers, pool, settings):
        self.model, self.optimizer, self.regularizers = model, optimizer, regularizers
        self.pool_inputs, self.pool_targets = pool
        self.settings = settings
        self.weights = model.trainable_weights

    def positions(self, step, arange):
        """The pool positions of `step`'s batch (the pool is cycled through)."""
        return (step * self.settings.batch_size + arange(self.settings.batch_size)) % (
            self.settings.pool_size)

    def finish(self):
        """Leave the trained weights in the model's variables."""


def use_xla():
    """Whether the TensorFlow loop is compiled with XLA: only with NALU_XLA=1 (opt-in).

    XLA makes a step faster on CPU (about 2x for 20 seeds, 1.5x for 100 in short runs
    here), but long processes that compiled several models with it died with "LLVM ERROR:
    Unable to allocate section memory" (the test suite, and a 6-configuration sweep while
    the suite ran beside it), so it is off unless asked for.
    """
    return os.environ.get("NALU_XLA", "0") == "1"


class TensorFlowStepper(Stepper):
    def __init__(self, *arguments):
        super().__init__(*arguments)
        import tensorflow as tf

        model, weights, optimizer = self.model, self.weights, self.optimizer

        def train_step(step):
            for regularizer in self.regularizers:
                regularizer.step.assign(tf.cast(step, "float32"))
            positions = self.positions(step, tf.range)
            inputs = tf.gather(self.pool_inputs, positions, axis=1)
            targets = tf.gather(self.pool_targets, positions, axis=1)
            with tf.GradientTape() as tape:
                errors = per_copy_mse(model.training_outputs(inputs), targets)
                # copies' losses are summed, so no copy's gradient depends on another's
                loss = tf.reduce_sum(tf.where(tf.math.is_finite(errors), errors, 0.0))
                loss += tf.add_n([tf.zeros(())] + model.losses)
            gradients = tape.gradient(loss, weights)
            gradients = [tf.where(tf.math.is_finite(g), g, tf.zeros_like(g)) for g in gradients]
            if self.settings.clip_norm:
                gradients = clip_per_copy(gradients, self.settings.clip_norm)
            optimizer.apply_gradients(zip(gradients, weights, strict=True))

        @tf.function(jit_compile=use_xla())
        def train_steps(first, count):
            for step in tf.range(first, first + count):
                train_step(step)

        self._train_steps = train_steps
        self._evaluate = tf.function(lambda inputs, targets: per_copy_mse(model(inputs), targets))

    def train(self, first, count):
        import tensorflow as tf

        self._train_steps(tf.constant(first), tf.constant(count))

    def evaluate(self, inputs, targets):
        return self._evaluate(inputs, targets).numpy()


class JaxStepper(Stepper):
    def __init__(self, *arguments):
        super().__init__(*arguments)
        import jax
        import jax.numpy as jnp

        schedule_steps = [regularizer.step for regularizer in self.regularizers]
        # the other state a training call changes (a noisy unit's seed generator), carried
        # through the compiled loop beside the weights
        self.carried = [variable for variable in self.model.non_trainable_variables
                        if not any(variable is step for step in schedule_steps)]

        def forward(values, inputs):
            with keras.StatelessScope(state_mapping=list(zip(self.weights, values,
                                                             strict=True))):
                return self.model(inputs)

        def loss(values, carried, step, inputs, targets):
            mapping = [*zip(self.weights, values, strict=True),
                       *zip(self.carried, carried, strict=True),
                       *[(variable, step.astype("float32")) for variable in schedule_steps]]
            with keras.StatelessScope(state_mapping=mapping) as scope:
                errors = per_copy_mse(self.model.training_outputs(inputs), targets)
                penalty = sum(self.model.losses, jnp.zeros(()))
                carried = [scope.get_current_value(variable) for variable in self.carried]
            return jnp.sum(jnp.where(jnp.isfinite(errors), errors, 0.0)) + penalty, carried

        gradient = jax.grad(loss, has_aux=True)

        def train_steps(state, pool, first, count):
            pool_inputs, pool_targets = pool  # arguments, not constants baked into the program

            def one_step(step, state):
                values, optimizer_values, carried = state
                positions = self.positions(step, jnp.arange)
                inputs = jnp.take(pool_inputs, positions, axis=1)
                targets = jnp.take(pool_targets, positions, axis=1)
                gradients, carried = gradient(values, carried, step, inputs, targets)
                gradients = [jnp.where(jnp.isfinite(g), g, 0.0) for g in gradients]
                if self.settings.clip_norm:
                    gradients = clip_per_copy(gradients, self.settings.clip_norm)
                values, optimizer_values = self.optimizer.stateless_apply(
                    optimizer_values, gradients, values)
                return values, optimizer_values, carried

            return jax.lax.fori_loop(first, first + count, one_step, state)

        self._train_steps = jax.jit(train_steps)
        self._evaluate = jax.jit(
            lambda values, inputs, targets: per_copy_mse(forward(values, inputs), targets))
        self.state = ([weight.value for weight in self.weights],
                      [variable.value for variable in self.optimizer.variables],
                      [variable.value for variable in self.carried])

    def train(self, first, count):
        self.state = self._train_steps(
            self.state, (self.pool_inputs, self.pool_targets), first, count)

    def evaluate(self, inputs, targets):
        return np.asarray(self._evaluate(self.state[0], inputs, targets))

    def finish(self):
        values, optimizer_values, carried = self.state
        for variable, value in zip(self.carried, carried, strict=True):
            variable.assign(value)
        for weight, value in zip(self.weights, values, strict=True):
            weight.assign(value)
        for variable, value in zip(self.optimizer.variables, optimizer_values, strict=True):
            variable.assign(value)
        for regularizer in self.regularizers:
            regularizer.set_step(self.settings.steps)


class TorchStepper(Stepper):
    def train(self, first, count):
        import torch

        values = [weight.value for weight in self.weights]
        for step in range(first, first + count):
            for regularizer in self.regularizers:
                regularizer.set_step(step)
            positions = torch.as_tensor(self.positions(step, np.arange))
            inputs = self.pool_inputs[:, positions]
            targets = self.pool_targets[:, positions]
            errors = per_copy_mse(self.model.training_outputs(inputs), targets)
            loss = torch.where(torch.isfinite(errors), errors, 0.0).sum()
            loss = loss + sum(self.model.losses, torch.zeros(()))
            gradients = torch.autograd.grad(loss, values, allow_unused=True)
            gradients = [torch.zeros_like(value) if g is None
                         else torch.where(torch.isfinite(g), g, 0.0)
                         for g, value in zip(gradients, values, strict=True)]
            if self.settings.clip_norm:
                gradients = clip_per_copy(gradients, self.settings.clip_norm)
            self.optimizer.apply_gradients(zip(gradients, self.weights, strict=True))

    def evaluate(self, inputs, targets):
        import torch

        with torch.no_grad():
            return keras.ops.convert_to_numpy(per_copy_mse(self.model(inputs), targets))


STEPPERS = {"tensorflow": TensorFlowStepper, "jax": JaxStepper, "torch": TorchStepper}


def stepper(*arguments):
    """The stepper of the backend Keras runs on."""
    backend = keras.backend.backend()
    if backend not in STEPPERS:
        raise NotImplementedError(f"the arithmetic trainer has no stepper for {backend}")
    return STEPPERS[backend](*arguments)
