"""The extrapolation evaluator of the sequence tasks: any length, in constant memory, on any
Keras backend.

Each test image is encoded once, in large batches; a sequence is then a gather of those
encodings, fed through the recurrent core in time chunks that carry the state across, so
scoring length 100,000 takes the memory of length `chunk`.
"""

import time

import keras
import numpy as np

from tasks.progress import bar


def compiled_step_options():
    """`jit_compile` for this backend's training and evaluation steps: XLA on JAX (without it
    JAX runs every operation of a step eagerly), TensorFlow's graph without XLA (XLA's CPU
    convolutions are the slower there: `python -m benchmarks.main_job --backends`), PyTorch
    eagerly."""
    return {"jax": True}.get(keras.backend.backend(), False)


class ChunkedCore:
    """Runs a trained recurrent core over long sequences chunk by chunk, carrying its state.

    The chunk and the head are small Keras models over the trained layers, so each backend
    runs them as its own compiled step (`predict_on_batch`); a chunk of a new length compiles
    once (the lengths seen are the chunk size and each length's last, shorter chunk).
    """

    def __init__(self, core_layer, head_layer):
        cell = core_layer.cell
        features = core_layer.input.shape[-1]
        self.cell = cell
        self.state_sizes = [int(size) for size in keras.tree.flatten(cell.state_size)]
        window = keras.Input((None, features))  # (batch, time, features)
        states = [keras.Input((size,)) for size in self.state_sizes]
        last, *new_states = keras.layers.RNN(cell, return_state=True)(window,
                                                                      initial_state=states)
        self.chunk_model = keras.Model([window, *states], [last, *new_states])
        state = keras.Input((last.shape[-1],))
        self.head_model = keras.Model(state, head_layer(state))
        for model in (self.chunk_model, self.head_model):
            model.compile(jit_compile=compiled_step_options())

    def initial_states(self, batch_size):
        """The cell's own start (1 for multiplicative unit cells), else zeros."""
        if hasattr(self.cell, "get_initial_state"):
            states = self.cell.get_initial_state(batch_size)
            return [np.asarray(keras.ops.convert_to_numpy(state), "float32")
                    for state in keras.tree.flatten(states)]
        return [np.zeros((batch_size, size), "float32") for size in self.state_sizes]

    def predict(self, encodings, positions, chunk=1000):
        """Outputs for the sequences `encodings[positions]`, positions (batch, length)."""
        encodings = np.asarray(encodings, dtype="float32")
        states = self.initial_states(len(positions))
        last = None
        for start in range(0, positions.shape[1], chunk):
            window = encodings[positions[:, start:start + chunk]]  # (batch, chunk, features)
            last, *states = self.chunk_model.predict_on_batch([window, *states])
        return np.asarray(self.head_model.predict_on_batch(last))


def encode_images(model, images, batch_size=2048, encoder=None):
    """Every image through the model's encoder (or `encoder` in its place) once."""
    encoder = encoder or model.get_layer("encode").layer  # the per-step wrapper's encoder
    return encoder.predict(images, batch_size=batch_size, verbose=0)


def score_lengths(model, images, labels, task, lengths, sequences, seed, quiet=False,
                  chunk=1000, sequence_batch=1000, encoder=None):
    """{length: {"mae", "accuracy", "seconds", "images_per_second"}} on fixed test sequences.

    `encoder` replaces the model's own encoder (`benchmarks.diagnostics.shift_rescore`
    re-scores with it).
    """
    from data.sequences import evaluation_positions

    runner = ChunkedCore(model.get_layer("core"), model.get_layer("head"))
    metrics = {}
    for length in lengths:
        started = time.perf_counter()
        # encoding is timed with each length, so images_per_second is the full cost
        encodings = encode_images(model, images, encoder=encoder)
        positions = evaluation_positions(len(labels), length, sequences, seed)
        predictions = []
        progress = bar(sequences * length, f"eval length {length}", quiet, unit="img")
        for first in range(0, sequences, sequence_batch):
            block = positions[first:first + sequence_batch]
            predictions.append(runner.predict(encodings, block, chunk=chunk))
            progress.update(block.size)
        progress.close()
        predictions = np.concatenate(predictions)
        targets = task.targets(labels[positions])
        seconds = time.perf_counter() - started
        metrics[str(length)] = {
            **task.score(predictions, targets),
            "seconds": seconds,
            "images_per_second": sequences * length / seconds,
        }
    return metrics


def rescore_lengths(run, request):
    """evaluate.py on an MNIST run: score the lengths it has no figures for (all of them with
    `request.replace`), print the table and add the new figures to results.json."""
    from data.sequences import images_as_floats
    from errors import UsageError
    from tasks.runs import write_json

    if request.words is not None:
        raise UsageError(f"--words {request.words!r}: the run {run.folder} is of task "
                         f"{run.config.task}, not words_to_number")
    sequences = request.sequences or run.config.eval_sequences or 1000
    model = run.load_model()
    saved = run.results.get("metrics", {})
    new = [length for length in request.lengths if request.replace or str(length) not in saved]
    metrics = {}
    if new:
        digits = run.task.load_digits(run.config)
        metrics = score_lengths(model, images_as_floats(digits.test_images),
                                digits.test_labels, run.task, new, sequences, run.config.seed,
                                quiet=request.quiet, chunk=request.chunk)
    kept = {str(length): saved[str(length)] for length in request.lengths
            if str(length) not in metrics}
    if kept:
        print(f"lengths {','.join(kept)}: kept as saved (--replace to score them again)")
    if metrics:  # nothing new: results.json is left as it was
        merged = dict(sorted({**saved, **metrics}.items(), key=lambda item: int(item[0])))
        write_json(run.folder / "results.json", {**run.results, "metrics": merged})
    print(run.task.metrics_table({**kept, **metrics}))
    print(f"results: {run.folder / 'results.json'}")
