"""time_tracking: the grid world's rules, an exact counter far past training, a run, bad input."""

import json

import numpy as np
import pytest

from tasks.timing.environment import MOVES, GridWorld
from tests.conftest import refused_in_process


def toward(world):
    """For each episode the move that brings the agent one cell closer to its goal."""
    offset = world.goal - world.agent
    moves = np.zeros(len(offset), dtype=int)
    for index, (rows, columns) in enumerate(offset):
        step = (np.sign(rows), 0) if rows else (0, np.sign(columns))
        moves[index] = [tuple(move) for move in MOVES].index(step)
    return moves


@pytest.mark.parametrize("limit", [7, 200])
def test_waiting_then_walking_in_reaches_the_goal_exactly_at_t(limit):
    """Waiting T - distance steps and then walking in succeeds in every episode, for any T."""
    world = GridWorld(5, np.random.default_rng(0))
    observation = world.start(np.full(100, limit), fixed_time=True)
    assert observation.shape == (100, 3) and (observation[:, 2] == limit).all()
    distance = np.abs(world.goal - world.agent).sum(axis=1)
    rewards = 0
    for index in range(limit):
        wait = limit - index > distance
        moves = np.where(wait, 0, toward(world))
        observation, reward, done = world.step(moves)
        assert (observation[:, 2] == -1).all()  # the clock ticks after the instruction
        rewards += reward
    assert done.all() and world.success.all() and (rewards == 1).all()


def test_arriving_early_ends_the_episode_without_reward():
    """Walking straight in before T ends the episode, unrewarded; a move off the grid stays."""
    world = GridWorld(5, np.random.default_rng(1))
    world.start(np.full(50, 30), fixed_time=True)
    for _ in range(10):
        _, reward, _ = world.step(toward(world))
        assert not reward.any()
    assert world.done.all() and not world.success.any()
    world.start(np.full(1, 30), fixed_time=True)
    world.agent[:] = (0, 0)
    world.step(np.array([1]))  # up, off the grid
    assert tuple(world.agent[0]) == (0, 0)


def test_training_instructions_lie_between_the_distance_and_the_largest_t():
    """In training each T is drawn from [distance to the goal, largest T]."""
    world = GridWorld(5, np.random.default_rng(2))
    world.start(np.full(2000, 20))
    distance = np.abs(world.goal - world.agent).sum(axis=1)
    assert (world.time_limit >= distance).all() and world.time_limit.max() == 20
    assert (distance >= 1).all()


def test_a_nac_counter_set_to_one_counts_down_exactly():
    """The agent's NAC accumulator with input weight 1 on the clock holds T - t at step t, at
    T = 500 (25x the training T)."""
    import keras

    from tasks.timing.agent import build_agent, step_model

    agent = build_agent("lstm_nac", 4)
    counter = agent.get_layer("recurrent").cell.counter.unit
    # rows: the state (carried), the clock (+1); a saturated NAC
    counter.set_weights([np.array([[30.0], [30.0]]), np.full((2, 1), 30.0)])
    weights = keras.ops.convert_to_numpy(counter.weight_matrix())
    np.testing.assert_array_equal(weights[:, 0], [1, 1])
    step = step_model(agent)
    limit = 500
    states = [np.zeros((1, size), "float32") for size in (4, 4, 1)]
    for index in range(limit):
        observation = np.array([[1, 2, limit if index == 0 else -1]], "float32")
        _, _, *states = step.predict_on_batch([observation, *states])
        assert states[2][0, 0] == limit - index  # T, then one less each step


def test_a_run_writes_its_success_per_t(tmp_path):
    """A short run writes config, model and results with a success share per test T."""
    import train as train_command

    assert train_command.main(["--task", "time_tracking", "--steps", "3", "--batch-size", "8",
                               "--test-times", "5,40", "--episodes", "20", "--quiet", "--out",
                               str(tmp_path), "--name", "run"]) == 0
    results = json.loads((tmp_path / "run" / "results.json").read_text())
    assert results["core"] == "lstm_nac" and set(results["metrics"]) == {"5", "40"}
    for metric in results["metrics"].values():
        assert metric["episodes"] == 20 and 0 <= metric["success"] <= 1
    assert (tmp_path / "run" / "model.keras").stat().st_size > 0
    from tasks.saved_runs import open_run

    run = open_run(tmp_path / "run")  # the saved agent scores as the run did
    assert run.task.score(run.load_model(), run.config) == results["metrics"]


@pytest.mark.parametrize(("arguments", "message"), [
    (["--core", "gru"], "--core gru: choose from lstm, lstm_"),
    (["--test-times", "5,0"], "--test-times 5,0: must be positive integers"),
    (["--grid", "1"], "--grid 1: must be an integer of at least 2"),
    (["--head", "nac"], "--head nac: time_tracking does not use this setting"),
    (["--checkpoint-every", "5"], "--checkpoint-every 5: time_tracking does not use this"),
])
def test_bad_settings_are_refused_in_one_line(arguments, message, tmp_path, capsys):
    """Bad time_tracking settings end in one line naming the flag, before any folder."""
    import train as train_command

    code, lines = refused_in_process(
        train_command.main, ["--task", "time_tracking", "--out", str(tmp_path), *arguments],
        capsys)
    assert code == 2 and len(lines) == 1 and message in lines[0]
    assert not any(tmp_path.iterdir())
