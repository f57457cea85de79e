"""Tracking time in a grid world (Trask et al. 2018, section 4.5): the share of episodes that
end on the goal at exactly T, against T, for the LSTM agent and the agent with a NAC beside
its LSTM, trained on T up to 20.

    python -m benchmarks.time_tracking [--agents lstm,lstm_nac] [--seeds 0,1,2] [--report-only]

Each (agent, seed) is one `python train.py --task time_tracking --core AGENT --seed SEED`
run with the task's defaults, in `--out/<agent>-seed<S>` (skipped when it has its results).
Writes the section "Time tracking" of docs/results.md (success per T, median and range over
the seeds), its JSON, and `docs/time_tracking.png` (success against T).
"""

import statistics
import sys

from benchmarks import common
from benchmarks.common import ROOT
from benchmarks.program_eval import share_cell
from benchmarks.publish import provenance, publish
from tasks.figures import pyplot, save_figure

PICTURE = ROOT / "docs" / "time_tracking.png"


def name_of(agent):
    return "LSTM" if agent == "lstm" else f"LSTM + {agent.removeprefix('lstm_').upper()}"


def summary(results):
    return {"seeds": [result["seed"] for result in results],
            "train_seconds": statistics.median(result["train_seconds"] for result in results),
            "train_success": [result["final_train_success"] for result in results],
            "success": {limit: [result["metrics"][limit]["success"] for result in results]
                        for limit in results[0]["metrics"]}}


def markdown(table):
    limits = list(table[0]["stats"]["success"])
    header = ["agent", "seeds", "training episodes (last 50 batches)",
              *(f"T = {limit}" for limit in limits), "train s"]
    rows = [[name_of(entry["agent"]), len(entry["stats"]["seeds"]),
             share_cell(entry["stats"]["train_success"]),
             *(share_cell(entry["stats"]["success"][limit]) for limit in limits),
             f"{entry['stats']['train_seconds']:.0f}"] for entry in table]
    return common.markdown_table(header, rows, "l" + "r" * (len(header) - 1))


def picture(table, path):
    plt = pyplot()
    figure_, axes = plt.subplots(figsize=(5.5, 3.6))
    for entry in table:
        limits = list(entry["stats"]["success"])
        medians = [100 * statistics.median(entry["stats"]["success"][t]) for t in limits]
        axes.plot([int(t) for t in limits], medians, "o-", label=name_of(entry["agent"]))
    axes.set_xscale("log")
    axes.set_xticks([int(t) for t in table[0]["stats"]["success"]],
                    [str(t) for t in table[0]["stats"]["success"]])
    axes.set_xlabel("instruction T (trained up to 20)")
    axes.set_ylabel("on the goal at T, % (median of seeds)")
    axes.set_ylim(-3, 103)
    axes.grid(alpha=0.3)
    axes.legend(fontsize=8)
    save_figure(figure_, path, dpi=100)


def main(argv=None):
    return common.or_fail(lambda: run(argv))


def run(argv):
    from tasks.timing.agent import agent_names

    arguments = common.parser(__doc__, out="runs/time_tracking", report_only=True)
    arguments.add_argument("--agents", default="lstm,lstm_nac")
    arguments.add_argument("--seeds", default="0,1,2")
    args = arguments.parse_args(argv)
    agents = common.parse_choices("agents", args.agents, agent_names())
    seeds = common.parse_integers("seeds", args.seeds, minimum=0)
    meta = provenance()
    runs = common.seed_runs(args.out, agents, seeds, args.report_only,
                            lambda name: ["--task", "time_tracking", "--core", name])
    table = [{"agent": name, "stats": summary(results)} for name, results in runs.items()]
    text = markdown(table)
    print(text)
    if args.no_publish:
        return 0
    picture(table, PICTURE)
    note = ("Each run: `python train.py --task time_tracking --core AGENT --seed SEED`, the "
            "task's defaults otherwise (`tasks/timing/`: a 5 x 5 grid, T up to 20 in "
            "training, 500 test episodes per T with the most likely action, the same "
            "episodes for every seed). \"On the goal at T\": the share of episodes that step "
            "onto the goal at step T exactly; training episodes: the share in the last 50 "
            "training batches, actions sampled. Median over the seeds in bold, range in "
            "brackets. Trask et al. 2018 (section 4.5) report that the A3C agent with a NAC "
            "beside its LSTM keeps succeeding for T beyond the training range where the LSTM "
            "agent fails; their figures are read off a plot and are not shown here."
            + (" Read with --report-only: the runs were in --out already."
               if args.report_only else "") + "\n\n"
            f"![success against T](../{PICTURE.relative_to(ROOT).as_posix()})")
    publish("time_tracking", "Time tracking", {"table": table}, text + "\n\n" + note, meta)
    return 0


if __name__ == "__main__":
    sys.exit(main())
