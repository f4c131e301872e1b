"""What the SimPy peers share: Poisson arrivals and the timed run.

Each peer (simpy_mmc.py, simpy_smb.py) builds its model in a simpy.Environment,
starts `poisson_arrivals` with the process of one case, and hands the
environment to `run_and_report`, which times only env.run() (wall seconds and
CPU seconds of the process; not the import, not building the model) and prints
the one JSON line bench/peers.ts reads:

    {"cases", "seconds", "cpuSeconds", "casesPerSecond", "meanWait", ...extra}

from the peer's counters `stats["cases"]` and `stats["wait"]` (summed seconds
of waiting over completed cases), then each of `extra` from `stats` too.
"""
import json
import time


def poisson_arrivals(env, rng, rate, case):
    """A SimPy process: starts case(env) at the arrivals of a Poisson process of `rate` per second, forever."""
    expo = rng.expovariate
    while True:
        yield env.timeout(expo(rate))
        env.process(case(env))


def run_and_report(env, horizon, stats, extra=()):
    """Runs env until `horizon` (simulated seconds), timed, and prints the result line."""
    t0, c0 = time.perf_counter(), time.process_time()
    env.run(until=horizon)
    seconds, cpu_seconds = time.perf_counter() - t0, time.process_time() - c0

    n = stats["cases"]
    result = {
        "cases": n,
        "seconds": seconds,
        "cpuSeconds": cpu_seconds,
        "casesPerSecond": n / seconds if seconds > 0 else 0,
        "meanWait": stats["wait"] / n if n else 0,
    }
    for key in extra:
        result[key] = stats[key]
    print(json.dumps(result))
