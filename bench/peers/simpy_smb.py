"""The SMB year in SimPy 4.1.2: the peer of bench/scenarios/smb-year.yaml.

An order process of up to six tasks on five pools (one simpy.Resource each,
first come first served): a bot reads the order and fails 8% of the time
(a clerk keys it in), a clerk checks it, a quarter go to a manager (10% of
those are rejected), the warehouse packs, accounts invoice. Flat Poisson
demand, every pool on duty around the clock. Time is in seconds.

MODEL below holds every parameter in the shape bench/engine.ts derives from
the compiled YAML; `--describe` prints it, and the benchmark checks that the
two are equal before it compares speeds. Durations are given like autoshift
gives them (lognormal and gamma by the mean and sd of the duration itself).

    python simpy_smb.py --horizon 31536000 --seed 3

Prints one JSON line: {"cases", "seconds", "cpuSeconds", "casesPerSecond", "meanWait", "tasks"}.
meanWait is the mean over completed orders of the total time the order's
tasks waited in queues (autoshift's waitMeanSeconds). Only env.run() is timed:
wall seconds and CPU seconds of the process (harness.py, shared with
simpy_mmc.py).
"""
import argparse
import json
import math
import random
import sys

import simpy

sys.dont_write_bytecode = True  # no __pycache__ next to the scripts
from harness import poisson_arrivals, run_and_report  # noqa: E402

MIN = 60.0

MODEL = {
    "start": "intake",
    "arrivalRate": 57 / 3600,
    "pools": {
        "ocr-bot": {"kind": "bot", "size": 3, "failureRate": 0.08},
        "clerks": {"kind": "human", "size": 12, "failureRate": 0},
        "managers": {"kind": "human", "size": 5, "failureRate": 0},
        "warehouse": {"kind": "human", "size": 26, "failureRate": 0},
        "accounts": {"kind": "human", "size": 7, "failureRate": 0},
    },
    "steps": {
        "intake": {"pools": ["ocr-bot"], "duration": {"kind": "uniform", "min": 1 * MIN, "max": 3 * MIN},
                   "onBotFailure": "fix", "next": [["check", 1]]},
        "fix": {"pools": ["clerks"], "duration": {"kind": "triangular", "min": 5 * MIN, "mode": 10 * MIN, "max": 25 * MIN},
                "onBotFailure": None, "next": [["check", 1]]},
        "check": {"pools": ["clerks"], "duration": {"kind": "lognormal", "mean": 8 * MIN, "sd": 4 * MIN},
                  "onBotFailure": None, "next": [["pack", 0.75], ["approve", 0.25]]},
        "approve": {"pools": ["managers"], "duration": {"kind": "exponential", "mean": 15 * MIN},
                    "onBotFailure": None, "next": [["pack", 0.9], ["end", 0.1]]},
        "pack": {"pools": ["warehouse"], "duration": {"kind": "gamma", "mean": 20 * MIN, "sd": 8 * MIN},
                 "onBotFailure": None, "next": [["invoice", 1]]},
        "invoice": {"pools": ["accounts"], "duration": {"kind": "triangular", "min": 2 * MIN, "mode": 4 * MIN, "max": 9 * MIN},
                    "onBotFailure": None, "next": [["end", 1]]},
    },
}


def sampler(d, rng):
    """A zero-argument function drawing one duration of distribution d (seconds)."""
    k = d["kind"]
    if k == "exponential":
        rate = 1.0 / d["mean"]
        return lambda: rng.expovariate(rate)
    if k == "uniform":
        lo, hi = d["min"], d["max"]
        return lambda: rng.uniform(lo, hi)
    if k == "triangular":
        lo, mode, hi = d["min"], d["mode"], d["max"]
        return lambda: rng.triangular(lo, hi, mode)
    if k == "lognormal":
        sigma2 = math.log1p((d["sd"] / d["mean"]) ** 2)
        mu, sigma = math.log(d["mean"]) - sigma2 / 2, math.sqrt(sigma2)
        return lambda: rng.lognormvariate(mu, sigma)
    if k == "gamma":
        shape, scale = (d["mean"] / d["sd"]) ** 2, d["sd"] ** 2 / d["mean"]
        return lambda: rng.gammavariate(shape, scale)
    raise ValueError(f"unsupported distribution {k}")


class Step:
    __slots__ = ("name", "resource", "draw", "failure", "on_failure", "targets", "cumulative")

    def __init__(self, name, spec, resources, rng):
        self.name = name
        (pool,) = spec["pools"]  # one pool per skill in this model
        self.resource = resources[pool]
        self.draw = sampler(spec["duration"], rng)
        self.failure = MODEL["pools"][pool]["failureRate"]
        self.on_failure = spec["onBotFailure"]
        self.targets = [t for t, _ in spec["next"]]
        acc, self.cumulative = 0.0, []
        for _, p in spec["next"]:
            acc += p
            self.cumulative.append(acc)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--horizon", type=float, default=365 * 86400, help="simulated seconds")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--describe", action="store_true", help="print the model parameters as JSON and exit")
    args = ap.parse_args()
    if args.describe:
        print(json.dumps(MODEL))
        return

    rng = random.Random(args.seed)
    env = simpy.Environment()
    resources = {p: simpy.Resource(env, capacity=spec["size"]) for p, spec in MODEL["pools"].items()}
    steps = {name: Step(name, spec, resources, rng) for name, spec in MODEL["steps"].items()}
    for s in steps.values():  # resolve names to steps once
        s.on_failure = steps[s.on_failure] if s.on_failure else None
        s.targets = [steps.get(t) for t in s.targets]  # None = end
    start = steps[MODEL["start"]]
    stats = {"cases": 0, "wait": 0.0, "tasks": 0}
    rand = rng.random

    def order(env):
        wait = 0.0
        tasks = 0
        step = start
        while step is not None:
            queued = env.now
            with step.resource.request() as req:
                yield req
                wait += env.now - queued
                yield env.timeout(step.draw())
            tasks += 1
            if step.failure and rand() < step.failure:
                step = step.on_failure
                continue
            if len(step.targets) == 1:
                step = step.targets[0]
            else:
                x = rand()
                i = 0
                while x >= step.cumulative[i] and i < len(step.targets) - 1:
                    i += 1
                step = step.targets[i]
        stats["cases"] += 1
        stats["wait"] += wait
        stats["tasks"] += tasks

    env.process(poisson_arrivals(env, rng, MODEL["arrivalRate"], order))
    run_and_report(env, args.horizon, stats, extra=("tasks",))


if __name__ == "__main__":
    main()
