"""Why NAU -> NMU does not learn `a * b` in our short static runs: the symmetric saddle.

    python -m benchmarks.diagnostics.nmu_symmetry            # about 10 minutes on 2 CPU cores
    python -m benchmarks.diagnostics.nmu_symmetry --quick    # the probe only, about 1 minute

The NAU computes h1 = u.x and h2 = v.x, the NMU h1 * h2. Writing d = (u - v) / 2 and c for
the vector that is +1/2 on the inputs only in subset A and -1/2 on those only in B, the
solution has d = +-c and the symmetric point h1 = h2 = (a + b) / 2 has d = 0. Each part
prints, per seed, the separation `d.c / c.c` (0: symmetric; +-1: a and b separated):
  sweeps   nau-nmu mul, 10 seeds, under the default recipe and variants of it: the rate of
           escape is set by Adam's beta_1 (gradient averaging), not by the learning rate
  probe    one model started 20% of the way from the symmetric point to the solution, trained
           with Adam (lr 1e-3, beta_1 0.9) on fresh batches of 4096: how far it moves
"""

import argparse
import dataclasses
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

STANDARD = {"steps": 60000, "learning_rate": 0.1, "schedule": "exponential",
                   "beta_1": 0.9, "regularizer_start": 0.3, "regularizer_end": 0.6}
VARIANTS = {
    "standard: 60k steps, Adam beta_1 0.9, lr 0.1 -> 1e-4": STANDARD,
    "standard, lr 0.01 -> 1e-5": {**STANDARD, "learning_rate": 0.01},
    "standard, batch 16": {**STANDARD, "batch_size": 16},
    "averaged recipe but beta_1 0.9": {"beta_1": 0.9},
    "averaged recipe but beta_1 0.99": {"beta_1": 0.99},
    "averaged (NMU default): 150k steps, beta_1 0.999, lr 0.03 held, then /10, /100": {},
}


def split_vectors(data, seed):
    """(c, ones) over the 100 inputs: c = +-1/2 on A-only / B-only, ones on A xor B."""
    import numpy as np

    first, second = (set(int(i) for i in subset) for subset in data.subsets(seed))
    c, ones = np.zeros(data.input_size), np.zeros(data.input_size)
    c[sorted(first - second)], c[sorted(second - first)] = 0.5, -0.5
    ones[sorted(first ^ second)] = 1.0
    return c, ones


def separation(kernel, c):
    """d.c / c.c for a NAU kernel (100, 2)."""
    d = (kernel[:, 0] - kernel[:, 1]) / 2
    return float(d @ c / (c @ c))


def sweeps(seeds):
    import numpy as np

    from data.arithmetic import ArithmeticData
    from tasks.arithmetic.settings import default_settings
    from tasks.arithmetic.trainer import train_model

    data = ArithmeticData(op="mul")
    for label, changes in VARIANTS.items():
        settings = dataclasses.replace(default_settings("static", "nau-nmu"), **changes)
        started = time.perf_counter()
        model, results = train_model(data, settings, "nau-nmu", list(range(seeds)))
        kernel = np.asarray(model.layers[0].weight_matrix())
        separations = [separation(kernel[seed], split_vectors(data, seed)[0])
                       for seed in range(seeds)]
        print(f"{label}: success {sum(r['success'] for r in results)}/{seeds}, "
              f"|separation| median {np.median(np.abs(separations)):.3f} "
              f"max {np.max(np.abs(separations)):.3f}, "
              f"{time.perf_counter() - started:.0f} s", flush=True)


def probe(steps=3000, batch=4096, start=0.2):
    import numpy as np
    import tensorflow as tf

    from data.arithmetic import ArithmeticData

    data = ArithmeticData(op="mul")
    c, ones = split_vectors(data, 0)
    first, second = (np.array(sorted(subset)) for subset in data.subsets(0))
    shared = sorted(set(first) & set(second))
    kernel = np.zeros((data.input_size, 2))
    kernel[shared] = 1.0
    kernel[ones > 0] = 0.5
    kernel[:, 0] += start * c
    kernel[:, 1] -= start * c
    weights = tf.Variable(kernel.astype("float32"))  # NAU kernel; the NMU sits at W = 1
    optimizer = tf.keras.optimizers.Adam(1e-3)
    rng = np.random.default_rng(0)

    @tf.function
    def step(x):
        a = tf.reduce_sum(tf.gather(x, first, axis=1), axis=1)
        b = tf.reduce_sum(tf.gather(x, second, axis=1), axis=1)
        with tf.GradientTape() as tape:
            h = x @ weights
            loss = tf.reduce_mean(tf.square(h[:, 0] * h[:, 1] - a * b))
        optimizer.apply_gradients([(tape.gradient(loss, weights), weights)])
        weights.assign(tf.clip_by_value(weights, -1.0, 1.0))
        return loss

    losses = []
    for _ in range(steps):
        losses.append(float(step(tf.constant(rng.uniform(1, 2, (batch, 100)), "float32"))))
    print(f"probe: separation {start:.3f} -> {separation(weights.numpy(), c):.4f} after "
          f"{steps} Adam steps (lr 1e-3, batch {batch}); loss {np.mean(losses[:100]):.3f} "
          f"(first 100) -> {np.mean(losses[-100:]):.3f} (last 100); at the solution it is 0",
          flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the probe only")
    parser.add_argument("--seeds", type=int, default=10)
    args = parser.parse_args()
    probe()
    if not args.quick:
        sweeps(args.seeds)


if __name__ == "__main__":
    main()
