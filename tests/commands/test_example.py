"""The custom-encoder example trains end to end on a few steps."""

from examples import custom_encoder as example


def test_custom_encoder_example_learns():
    """500 steps cut the loss and beat predicting the mean at length 10."""
    outcome = example.main(steps=500, quiet=True)
    assert outcome["loss_after"] < 0.5 * outcome["loss_before"]
    # predicting the mean sum (45) gives MAE ~7.2 at length 10
    assert outcome["metrics"]["10"]["mae"] < 6.0
