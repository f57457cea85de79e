"""Put a recurrent NAC core (and any unit as head) on an encoder of your own.

    python -m examples.custom_encoder --steps 300

The encoder here is a small MLP on flattened 28x28 images, standing in for whatever
Keras model you have: anything that maps one input (an image) to a vector works. The
sequence model wraps it in `tasks.mnist.SequenceEncoder` (Keras' TimeDistributed, except that
it encodes every step as one batch), accumulates its outputs with a NAC cell
started at the identity recurrence, and reads the result out with a head (`--head nac`
by default; `nalu`, `nau`, ... or `linear` work the same way). It trains
on this project's tf.data digit-sequence pipeline (length 10) and is scored with the
project's evaluator at lengths 10 and 100.
"""

import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402

import nalu  # noqa: E402
from tasks.mnist.model import SequenceEncoder  # noqa: E402


def my_encoder(outputs=1):
    """Your encoder: any Keras model from one image to a vector."""
    return keras.Sequential([
        keras.Input((28, 28, 1)),
        keras.layers.Flatten(),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(outputs),
    ], name="encoder")


def sequence_model(encoder, head="nac"):
    """encoder per step -> NAC running sum -> head. The layer names 'encode', 'core' and
    'head' let the project's evaluator encode each image once and score any length."""
    images = keras.Input((None, 28, 28, 1))
    encoded = SequenceEncoder(encoder, name="encode")(images)
    total = keras.layers.RNN(nalu.NACCell(1, identity_recurrence=True), name="core")(encoded)
    if head == "linear":
        output_layer = keras.layers.Dense(1, use_bias=False, name="head")
    else:
        output_layer = nalu.get_unit(head)(1, name="head")
    return keras.Model(images, output_layer(total))


def main(steps=300, head="nac", quiet=False):
    from data.digits import load_digits
    from data.sequences import images_as_floats, training_dataset
    from tasks import get_task
    from tasks.mnist.evaluation import score_lengths

    keras.utils.set_random_seed(0)
    task = get_task("mnist_sum")  # its target, loss and scoring
    digits = load_digits("bundled")
    batches = training_dataset(digits.train_images, digits.train_labels, length=10,
                               batch_size=32, seed=0, steps=steps)
    batches = batches.map(lambda images, labels: (images, task.target(labels)))
    model = sequence_model(my_encoder(), head)
    model.compile(keras.optimizers.Adam(3e-3), "mse")
    before = model.evaluate(batches.take(5), verbose=0)
    model.fit(batches, epochs=1, verbose=0 if quiet else 1)
    after = model.evaluate(batches.take(5), verbose=0)
    metrics = score_lengths(model, images_as_floats(digits.test_images), digits.test_labels,
                            task, [10, 100], sequences=200, seed=0, quiet=quiet)
    if not quiet:
        print(f"training loss {before:.1f} -> {after:.1f}")
        for length, metric in metrics.items():
            print(f"length {length}: MAE {metric['mae']:.2f}")
    return {"loss_before": before, "loss_after": after, "metrics": metrics}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--head", default="nac", help="linear or any unit: nac, nalu, ...")
    arguments = parser.parse_args()
    main(arguments.steps, arguments.head)
