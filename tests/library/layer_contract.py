"""The one place that imports Keras' private layer test (keras.src.testing)."""

from keras.src.testing import TestCase


def run_layer_contract(layer_class, init_kwargs, input_shape, **options):
    """Keras' own layer check: config and serialization round trips and a training step."""
    case = TestCase(methodName="run_layer_test")
    case.run_layer_test(layer_class, init_kwargs, input_shape=input_shape, **options)
