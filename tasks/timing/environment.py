"""A batch of grid-world episodes in which the agent must reach the goal at exactly step T.

Trask et al. (2018), section 4.5. The paper gives no code or sizes; this environment is the
project's reading of its text:

- a `size` x `size` grid, the agent and the goal on two different random cells;
- the instruction T is shown at the first step; the same input then reads -1 at every later
  step, a clock tick (so the input summed over the steps so far is the time left, T - t);
- actions: stay, up, down, left, right (a move off the grid stays put);
- the episode ends when the agent steps onto the goal (arrival) or when step T has passed;
  reward 1 for arriving at step T exactly, 0 otherwise. Arriving early ends the episode
  without reward, so the agent must wait, then walk in.

An observation is (dx, dy, T at the first step else -1): the goal's offset from the agent in
cells, and the instruction or the tick. Every episode of a batch steps at once.
"""

import numpy as np

MOVES = np.array([(0, 0), (-1, 0), (1, 0), (0, -1), (0, 1)])  # stay, up, down, left, right
OBSERVATION = 3


class GridWorld:
    """Episodes stepped as one batch; `done` ones ignore their actions."""

    def __init__(self, size, rng):
        self.size, self.rng = size, rng

    def start(self, times, fixed_time=False):
        """New episodes, one per entry of `times`. With `fixed_time` each T is given as is
        and the cells are drawn no farther apart than T; otherwise `times` are the largest
        T and each episode's T is drawn from [distance, largest]. Returns the first
        observation."""
        count = len(times)
        cells = self.size * self.size
        agent = self.rng.integers(0, cells, count)
        goal = (agent + self.rng.integers(1, cells, count)) % cells
        self.agent = np.stack(divmod(agent, self.size), axis=1)
        self.goal = np.stack(divmod(goal, self.size), axis=1)
        distance = np.abs(self.agent - self.goal).sum(axis=1)
        if fixed_time:
            self.time_limit = np.asarray(times)
            far = distance > self.time_limit
            while far.any():  # draw those goals again until they are reachable in time
                goal = (agent[far] + self.rng.integers(1, cells, far.sum())) % cells
                self.goal[far] = np.stack(divmod(goal, self.size), axis=1)
                distance = np.abs(self.agent - self.goal).sum(axis=1)
                far = distance > self.time_limit
        else:
            self.time_limit = self.rng.integers(distance, np.asarray(times) + 1)
        self.step_count = 0
        self.done = np.zeros(count, dtype=bool)
        self.success = np.zeros(count, dtype=bool)
        return self.observe()

    def observe(self):
        offset = (self.goal - self.agent).astype("float32")
        clock = self.time_limit if self.step_count == 0 else -np.ones(len(offset))
        return np.concatenate([offset, clock[:, None]], axis=1).astype("float32")

    def step(self, actions):
        """Apply `actions` to the episodes still running: (observation, reward, done)."""
        running = ~self.done
        moved = np.clip(self.agent + MOVES[actions], 0, self.size - 1)
        self.agent = np.where(running[:, None], moved, self.agent)
        self.step_count += 1
        arrived = running & (self.agent == self.goal).all(axis=1)
        reward = arrived & (self.step_count == self.time_limit)
        self.success |= reward
        self.done = self.done | arrived | (self.step_count >= self.time_limit)
        return self.observe(), reward.astype("float32"), self.done.copy()
