"""Tracking time in a grid world (Trask et al. 2018, section 4.5): reach the goal at exactly
the step T that the first observation gave, for T far beyond those trained on.

An actor-critic agent (`tasks.timing.agent`: an LSTM core, alone or beside a NAC or other
accumulator cell) acts in a batch of episodes of `tasks.timing.environment.GridWorld` at
once; after each batch the policy follows the advantage of each step (the episode's reward
minus the value's estimate; no discount: the only reward comes at the end) with an entropy
bonus, and the value regresses the reward. Trained on T up to `--max-time` (20), scored with
the most likely action at each step on `--test-times` (up to 10x that) by the share of
episodes that end on the goal at T. The paper's sizes are not published; the grid (5 x 5),
the observation and the agents are this project's choices, one setting each.
"""

import dataclasses
import time

import keras
import numpy as np

from errors import UsageError
from tasks.config import refuse_unused
from tasks.progress import bar, say
from tasks.registry import register_task
from tasks.timing.agent import agent_names, build_agent, policy_loss, step_model
from tasks.timing.config import TimingConfig
from tasks.timing.environment import OBSERVATION, GridWorld


def run_episodes(step, world, times, rng=None, fixed_time=False):
    """Episodes of the agent's one-step model `step` in `world`, one per entry of `times`:
    sampled actions when `rng` is given, else the most likely. Returns the record of every
    step, padded to max(times): observations, actions, values, alive (the episode was
    running), rewards."""
    count, length = len(times), int(np.max(times))
    observation = world.start(times, fixed_time=fixed_time)
    sizes = [int(state.shape[-1]) for state in step.inputs[1:]]
    states = [np.zeros((count, size), dtype="float32") for size in sizes]
    record = {"observations": np.zeros((count, length, OBSERVATION), dtype="float32"),
              "actions": np.zeros((count, length), dtype="int64"),
              "values": np.zeros((count, length), dtype="float32"),
              "alive": np.zeros((count, length), dtype="float32"),
              "rewards": np.zeros((count, length), dtype="float32")}
    for index in range(length):
        if world.done.all():
            break
        logits, value, *states = step.predict_on_batch([observation, *states])
        if rng is None:
            actions = np.argmax(logits, axis=1)
        else:
            probabilities = np.exp(logits - logits.max(axis=1, keepdims=True))
            cumulative = np.cumsum(probabilities / probabilities.sum(1, keepdims=True), 1)
            actions = np.minimum((cumulative < rng.random((count, 1))).sum(1),
                                 logits.shape[1] - 1)
        record["observations"][:, index] = observation
        record["actions"][:, index] = actions
        record["values"][:, index] = value[:, 0]
        record["alive"][:, index] = ~world.done
        observation, reward, _ = world.step(actions)
        record["rewards"][:, index] = reward
    return record


@dataclasses.dataclass(frozen=True)
class TimingTask:
    name: str = "time_tracking"
    description: str = ("reach the goal of a grid world at exactly step T, trained on T up "
                        "to 20, scored up to 200 (Trask et al. 2018, 4.5)")
    family = "timing"
    config_class = TimingConfig

    def defaults_for(self, config):
        return {"steps": 6000, "batch_size": 128, "lr": 3e-3, "core": "lstm_nac",
                "hidden": 32, "grid": 5, "max_time": 20,
                "test_times": [5, 10, 20, 50, 100, 200], "episodes": 500, "length": None,
                "eval_lengths": []}

    def check(self, config):
        if config.core not in agent_names():
            raise UsageError(f"--core {config.core}: choose from {', '.join(agent_names())}")
        refuse_unused(config, ("head", "length", "eval_lengths", "checkpoint_every",
                               "random_recurrence", "resume"))

    def load_inputs(self, config):
        return None  # the episodes are made as the agent acts

    def make_agent(self, config):
        agent = build_agent(config.core, config.hidden)
        schedule = keras.optimizers.schedules.CosineDecay(config.lr, config.steps)
        agent.compile(keras.optimizers.Adam(schedule, clipnorm=1.0),
                      loss={"policy": policy_loss, "value": "mse"},
                      loss_weights={"policy": 1.0, "value": 0.5})
        return agent

    def score(self, agent, config):
        """The share of episodes ending on the goal at T, per test T (the same episodes for
        every seed), acting on the most likely action."""
        step = step_model(agent)
        metrics = {}
        for limit in config.test_times:
            world = GridWorld(config.grid, np.random.default_rng([limit, 0x71E]))
            run_episodes(step, world, np.full(config.episodes, limit), fixed_time=True)
            metrics[str(limit)] = {"episodes": config.episodes,
                                   "success": float(world.success.mean())}
        return metrics

    def run(self, config, folder, inputs):
        keras.utils.set_random_seed(config.seed)
        agent = self.make_agent(config)
        step = step_model(agent)
        rng = np.random.default_rng([config.seed, 0x71F])
        world = GridWorld(config.grid, rng)
        started, recent = time.perf_counter(), []
        progress = bar(config.steps, "train", config.quiet, unit="update")
        for update in range(config.steps):
            record = run_episodes(step, world, np.full(config.batch_size, config.max_time),
                                  rng)
            # no discount: every step's return is the episode's reward
            returns = np.cumsum(record["rewards"][:, ::-1], axis=1)[:, ::-1].copy()
            advantages = (returns - record["values"]) * record["alive"]
            agent.train_on_batch(
                record["observations"],
                {"policy": np.stack([record["actions"], advantages], axis=-1),
                 "value": returns[..., None]},
                sample_weight={"policy": record["alive"], "value": record["alive"]})
            recent = (recent + [world.success.mean()])[-50:]
            progress.update(1)
            if update % 20 == 0:
                progress.set_postfix(success=f"{np.mean(recent):.2f}")
        progress.close()
        train_seconds = time.perf_counter() - started
        metrics = self.score(agent, config)
        for limit, metric in metrics.items():
            say(f"T = {limit}: on the goal at T in {metric['success']:.1%}", config.quiet)
        return agent, {
            "task": self.name, "core": config.core, "head": None, "seed": config.seed,
            "steps": config.steps, "max_time": config.max_time, "train_length": None,
            "digits": None, "train_seconds": train_seconds,
            "final_train_success": float(np.mean(recent)), "metrics": metrics,
        }

    def metrics_table(self, metrics):
        rows = ["| T | episodes | on the goal at T |", "|---:|---:|---:|"]
        rows += [f"| {limit} | {metric['episodes']} | {metric['success']:.3f} |"
                 for limit, metric in metrics.items()]
        return "\n".join(rows)

    def rescore(self, run, request):
        """Every --test-times T of the run scored again; written to results.json when it has
        no metrics or with `request.replace`."""
        metrics = self.score(run.load_model(), run.config)
        run.keep_scores(metrics, self.metrics_table(metrics), request.replace)

    def report_table(self, runs):
        lines = ["| run | agent | trained up to T | on the goal at T |", "|---|---|---:|---|"]
        for run in runs:
            shares = ", ".join(f"{limit}: {metric['success']:.3f}"
                               for limit, metric in run.results["metrics"].items())
            lines.append(f"| {run.folder.name} | {run.config.core} | {run.config.max_time} | "
                         f"{shares} |")
        return "\n".join(lines) + "\n"

    def report_figures(self, runs, pictures):
        return {}


register_task(TimingTask())
