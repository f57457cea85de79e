"""What a sweep reports of many seeds: success rate with a Wilson interval, solved-at,
sparsity, extrapolation error; and its Markdown table."""

import math

import numpy as np


def wilson_interval(successes, trials, z=1.959963984540054):
    """The 95% Wilson score interval (low, high) of a success rate."""
    if trials <= 0:
        raise ValueError(f"`trials` must be positive, received: trials={trials!r}")
    rate = successes / trials
    denominator = 1 + z * z / trials
    center = (rate + z * z / (2 * trials)) / denominator
    half = z / denominator * math.sqrt(rate * (1 - rate) / trials + z * z / (4 * trials**2))
    return max(0.0, center - half), min(1.0, center + half)


def summarize(label, op, results):
    successes = sum(result["success"] for result in results)
    low, high = wilson_interval(successes, len(results))
    solved = [result["solved_at"] for result in results if result["success"]]
    sparsity = [result["sparsity_error"] for result in results
                if result["sparsity_error"] is not None and result["success"]]
    extrapolation = [result["extrapolation_mse"] for result in results]
    return {
        "unit": label,
        "op": op,
        "seeds": len(results),
        "successes": successes,
        "success_rate": successes / len(results),
        "wilson_low": low,
        "wilson_high": high,
        "median_solved_at": float(np.median(solved)) if solved else None,
        "mean_sparsity_error": float(np.mean(sparsity)) if sparsity else None,
        "median_extrapolation_mse": float(np.nanmedian(extrapolation))
        if np.any(np.isfinite(extrapolation)) else None,
        "seconds": results[0]["train_seconds"],
    }


def markdown_table(rows):
    lines = [
        "| unit | op | success | 95% interval | median solved at | mean sparsity error "
        "| median extrapolation MSE | seeds | seconds |",
        "|---|---|---:|---|---:|---:|---:|---:|---:|",
    ]

    def number(value, digits=3):
        return "-" if value is None else f"{value:.{digits}g}"

    for row in rows:
        lines.append(
            f"| {row['unit']} | {row['op']} | {100 * row['success_rate']:.0f}% "
            f"| [{100 * row['wilson_low']:.0f}%, {100 * row['wilson_high']:.0f}%] "
            f"| {number(row['median_solved_at'], 6)} | {number(row['mean_sparsity_error'])} "
            f"| {number(row['median_extrapolation_mse'])} | {row['seeds']} "
            f"| {row['seconds']:.0f} |"
        )
    return "\n".join(lines)
