"""M/M/c in SimPy 4.1.2: the peer of bench/scenarios/mmc-bench.yaml.

Poisson arrivals, exponential service, c servers taking customers first come
first served (simpy.Resource). Time is in seconds, like autoshift. Every case
that completes by the horizon is counted; its wait is the time from arrival to
the start of service (autoshift's waitMeanSeconds).

    python simpy_mmc.py --rate 0.15 --mean-service 60 --servers 10 --horizon 13392000 --seed 2

Prints one JSON line: {"cases", "seconds", "cpuSeconds", "casesPerSecond", "meanWait"}.
Only env.run() is timed (not the import, not building the model): wall
seconds and CPU seconds of the process (harness.py, shared with simpy_smb.py).
"""
import argparse
import random
import sys

import simpy

sys.dont_write_bytecode = True  # no __pycache__ next to the scripts
from harness import poisson_arrivals, run_and_report  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rate", type=float, required=True, help="arrivals per second")
    ap.add_argument("--mean-service", type=float, required=True, help="mean service time, seconds")
    ap.add_argument("--servers", type=int, required=True)
    ap.add_argument("--horizon", type=float, required=True, help="simulated seconds")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    rng = random.Random(args.seed)
    env = simpy.Environment()
    servers = simpy.Resource(env, capacity=args.servers)
    stats = {"cases": 0, "wait": 0.0}
    service_rate = 1.0 / args.mean_service
    expo = rng.expovariate

    def customer(env):
        arrived = env.now
        with servers.request() as req:
            yield req
            wait = env.now - arrived
            yield env.timeout(expo(service_rate))
        stats["cases"] += 1
        stats["wait"] += wait

    env.process(poisson_arrivals(env, rng, args.rate, customer))
    run_and_report(env, args.horizon, stats)


if __name__ == "__main__":
    main()
