"""Where an MNIST training step's time goes, measured side by side in one process.

    python -m benchmarks.training_profile [--task mnist_sum] [--steps 300]

Times, for the task's default model and batches (full MNIST when it is installed):
the input pipeline alone; the encoder alone (forward and backward on the step's
batch * length images); and `model.fit` as train.py calls it, with its callbacks (progress
bar and TensorBoard), without TensorBoard, with none, with the input pipeline on tf.data's
shared, autotuned thread pool instead of one thread of its own, with Keras' TimeDistributed
calling the encoder once per step instead of once on all steps' images, and with each other
`--encoder-norm`. Each variant runs `--steps` steps
after a warm-up, three times, and the median rate is kept; the rates are comparable only as
ratios within one run. Writes the section "Training profile" of docs/results.md.
"""

import dataclasses
import statistics
import sys
import tempfile
import time

from benchmarks.publish import provenance, publish


def timed(action, steps):
    started = time.perf_counter()
    action(steps)
    return time.perf_counter() - started


REPEATS = 3


def rate(action, steps, repeats=REPEATS):
    """(steps/s, seconds per call, slowest and fastest steps/s) of `action`: the per-step time
    is the difference between a call of 2 * `steps` and one of `steps`, so what a call costs
    once (a callback opening its log files, say) is not charged to every step; medians of
    `repeats`, and the range over them (threads that compete show as a wide one)."""
    per_step, per_call = [], []
    for _ in range(repeats):
        short, long = timed(action, steps), timed(action, 2 * steps)
        per_step.append(max((long - short) / steps, 1e-9))
        per_call.append(max(short - steps * per_step[-1], 0.0))
    return (1 / statistics.median(per_step), statistics.median(per_call),
            1 / max(per_step), 1 / min(per_step))


def profile(task_name, steps):
    import keras
    import tensorflow as tf

    from data.sequences import training_dataset
    from tasks import cores, get_task
    from tasks.mnist.config import MnistConfig
    from tasks.mnist.model import ENCODER_NORMS, build_encoder
    from tasks.progress import TrainingProgress

    task = get_task(task_name)
    config = MnistConfig(task=task_name, quiet=True).resolved(task.defaults)
    digits = task.load_digits(config)
    keras.utils.set_random_seed(0)

    def batches(count, threads=1):
        return training_dataset(
            digits.train_images, digits.train_labels, config.length, config.batch_size, 0,
            steps=count, max_shift=config.shift, threads=threads,
        ).map(lambda images, labels: (images, task.target(labels)))

    model = task.make_model(config)
    logs = tempfile.mkdtemp()

    def fit(callbacks):
        def action(count):
            model.fit(batches(count), steps_per_epoch=count, epochs=1, verbose=0,
                      callbacks=callbacks())
        return action

    def data(count):
        for _ in batches(count):
            pass

    def shared_pool_fit(count):
        model.fit(batches(count, threads=None), steps_per_epoch=count, epochs=1, verbose=0,
                  callbacks=with_tensorboard())

    encoder = model.get_layer("encode").layer
    images = tf.random.uniform((config.batch_size * config.length, 28, 28, 1))
    targets = tf.random.uniform((config.batch_size * config.length, task.encoding_size))
    encoder_model = keras.Sequential([encoder])
    encoder_model.compile(keras.optimizers.Adam(1e-4), "mse", jit_compile=False)

    def encoder_alone(count):
        for _ in range(count):
            encoder_model.train_on_batch(images, targets)

    def with_tensorboard():
        return [TrainingProgress(steps, quiet=True), keras.callbacks.TensorBoard(
            log_dir=logs, write_graph=False, update_freq=50)]

    # the same model with Keras' TimeDistributed, which calls the encoder once per step
    images_in = keras.Input((None, 28, 28, 1))
    per_step = keras.layers.TimeDistributed(
        build_encoder(task.encoding_size, norm=config.encoder_norm))(images_in)
    state = cores.build_core(config.core, task.hidden_size(config))(per_step)
    per_step_model = keras.Model(images_in, cores.build_head(config.head, task.outputs)(state))
    per_step_model.compile(keras.optimizers.Adam(config.lr), "mse", jit_compile=False)

    def per_step_fit(count):
        per_step_model.fit(batches(count), steps_per_epoch=count, epochs=1, verbose=0)

    def other_norm(norm):
        other = task.make_model(dataclasses.replace(config, encoder_norm=norm))

        def action(count):
            other.fit(batches(count), steps_per_epoch=count, epochs=1, verbose=0,
                      callbacks=with_tensorboard())
        return action

    variants = {
        "input pipeline alone": data,
        "encoder alone (forward + backward, one call on batch x length images)": encoder_alone,
        "model.fit as train.py (progress bar + TensorBoard)": fit(with_tensorboard),
        "model.fit without TensorBoard": fit(lambda: [TrainingProgress(steps, quiet=True)]),
        "model.fit without callbacks": fit(lambda: []),
        "model.fit as train.py, input pipeline on tf.data's shared autotuned pool":
            shared_pool_fit,
        "model.fit, encoder called once per step (Keras TimeDistributed)": per_step_fit,
        **{f"model.fit as train.py, --encoder-norm {norm}": other_norm(norm)
           for norm in ENCODER_NORMS if norm != config.encoder_norm},
    }
    for action in variants.values():  # warm up every path (tracing, first allocations)
        action(20)
    rates = {name: rate(action, steps) for name, action in variants.items()}
    return config, digits.describe(), rates


def main(argv=None):
    from benchmarks.common import or_fail

    return or_fail(lambda: run(argv))


def run(argv):
    from benchmarks.common import parse_integers, parser

    arguments = parser(__doc__)
    arguments.add_argument("--task", default="mnist_sum")
    arguments.add_argument("--steps", default="150")
    args = arguments.parse_args(argv)
    steps = parse_integers("steps", args.steps)[0]
    meta = provenance()
    config, digits, rates = profile(args.task, steps)
    reference = rates["model.fit as train.py (progress bar + TensorBoard)"][0]
    lines = ["| what runs | steps/s | slowest - fastest | time per step | vs train.py's step "
             "| once per call |", "|---|---:|---:|---:|---:|---:|"]
    for name, (value, per_call, slowest, fastest) in rates.items():
        lines.append(f"| {name} | {value:.1f} | {slowest:.1f} - {fastest:.1f} | "
                     f"{1000 / value:.1f} ms | {value / reference:.2f}x | {per_call:.1f} s |")
    table = "\n".join(lines)
    print(table)
    if not args.no_publish:
        note = (f"Task {args.task} with its defaults (batch {config.batch_size} sequences of "
                f"{config.length} images, --shift {config.shift}, --dropout {config.dropout}; "
                f"digits {digits}); steps/s from calls of {steps} and {2 * steps} steps, "
                f"median and range of {REPEATS}.")
        publish("training_profile", "Training profile", {
            "steps_per_second": {name: value[0] for name, value in rates.items()},
            "seconds_per_call": {name: value[1] for name, value in rates.items()},
            "steps_per_second_range": {name: value[2:] for name, value in rates.items()},
            "steps": steps},
                table + "\n\n" + note, meta)
    return 0


if __name__ == "__main__":
    sys.exit(main())
