"""The Ciw peer of autoshift's abandonment, priority and finite-queue tests
(test/unit/ciw-peer.test.ts): one model per call, several replications, each
replication's figures over the customers that arrive after the warm-up.

    python ciw_queueing.py MODEL REPLICATIONS HORIZON_S WARMUP_S PARAMS_JSON

MODEL and PARAMS (rates per second):
  erlang-a  {c, lam, mu, theta}   M/M/c with exponential reneging (Ciw's reneging_time_distributions)
  mmck      {c, capacity, lam, mu} M/M/c with `capacity` waiting places (Ciw's queue_capacities)
  priority  {lam: [high, low], mu} M/M/1 with two non-preemptive priority classes (priority_classes)

Prints one JSON line: {"model", "replications": [{figure: value, ...}, ...]}.
"""
import json
import sys

import ciw


def window(records, warmup, horizon):
    return [r for r in records if warmup <= r.arrival_date < horizon]


def mean(xs):
    return sum(xs) / len(xs) if xs else 0.0


def erlang_a(p, seed, horizon, warmup):
    net = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=p["lam"])],
        service_distributions=[ciw.dists.Exponential(rate=p["mu"])],
        number_of_servers=[p["c"]],
        reneging_time_distributions=[ciw.dists.Exponential(rate=p["theta"])],
    )
    ciw.seed(seed)
    sim = ciw.Simulation(net)
    sim.simulate_until_max_time(horizon)
    recs = window(sim.get_all_records(only=["service", "renege"]), warmup, horizon)
    served = [r for r in recs if r.record_type == "service"]
    reneged = [r for r in recs if r.record_type == "renege"]
    return {
        "abandonmentRate": len(reneged) / max(1, len(served) + len(reneged)),
        "servedWait": mean([r.waiting_time for r in served]),
        "abandonedWait": mean([r.waiting_time for r in reneged]),
    }


def mmck(p, seed, horizon, warmup):
    net = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=p["lam"])],
        service_distributions=[ciw.dists.Exponential(rate=p["mu"])],
        number_of_servers=[p["c"]],
        queue_capacities=[p["capacity"]],
    )
    ciw.seed(seed)
    sim = ciw.Simulation(net)
    sim.simulate_until_max_time(horizon)
    recs = window(sim.get_all_records(only=["service", "rejection"]), warmup, horizon)
    served = [r for r in recs if r.record_type == "service"]
    rejected = [r for r in recs if r.record_type == "rejection"]
    return {
        "blockingRate": len(rejected) / max(1, len(served) + len(rejected)),
        "wait": mean([r.waiting_time for r in served]),
    }


def priority(p, seed, horizon, warmup):
    high, low = p["lam"]
    net = ciw.create_network(
        arrival_distributions={"high": [ciw.dists.Exponential(rate=high)], "low": [ciw.dists.Exponential(rate=low)]},
        service_distributions={"high": [ciw.dists.Exponential(rate=p["mu"])], "low": [ciw.dists.Exponential(rate=p["mu"])]},
        number_of_servers=[1],
        priority_classes={"high": 0, "low": 1},
    )
    ciw.seed(seed)
    sim = ciw.Simulation(net)
    sim.simulate_until_max_time(horizon)
    recs = window(sim.get_all_records(only=["service"]), warmup, horizon)
    return {
        "highWait": mean([r.waiting_time for r in recs if r.customer_class == "high"]),
        "lowWait": mean([r.waiting_time for r in recs if r.customer_class == "low"]),
    }


MODELS = {"erlang-a": erlang_a, "mmck": mmck, "priority": priority}


def main():
    model, reps, horizon, warmup, params = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), json.loads(sys.argv[5])
    run = MODELS[model]
    out = [run(params, 1000 + r, horizon, warmup) for r in range(reps)]
    print(json.dumps({"model": model, "ciw": ciw.__version__, "replications": out}))


if __name__ == "__main__":
    main()
