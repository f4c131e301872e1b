"""Simulates a BPMN model with its Prosimos JSON parameters in Prosimos (the
peer of `autoshift import`) and prints, as one JSON line on stdout, what its
statistics show: the number of cases, and per activity how often it ran per
case and its mean processing time in seconds (Prosimos' "Avg Processing Time":
the work itself, without the off-calendar time a task may span).

  python prosimos_simulate.py model.bpmn params.json CASES SEED STATS.csv

Prosimos draws from numpy's and Python's global generators, seeded here.
"""
import contextlib, csv, io, json, random, sys, warnings

warnings.filterwarnings("ignore")


def main(bpmn, params, cases, seed, stats):
    import numpy
    numpy.random.seed(int(seed))
    random.seed(int(seed))
    from prosimos.simulation_engine import run_simulation
    with contextlib.redirect_stdout(io.StringIO()):  # Prosimos prints sampling warnings
        run_simulation(bpmn, params, int(cases), stat_out_path=stats, starting_at="2023-04-03T09:00:00.000000+00:00")
    with open(stats, newline="") as f:
        rows = list(csv.reader(f))
    at = next(i for i, r in enumerate(rows) if r and r[0] == "Individual Task Statistics")
    header = rows[at + 1]
    count, mean = {}, {}
    for r in rows[at + 2:]:
        if len(r) < len(header):
            break
        row = dict(zip(header, r))
        count[row["Name"]] = int(row["Count"])
        mean[row["Name"]] = float(row["Avg Processing Time"])
    n = int(cases)
    print(json.dumps({
        "cases": n,
        "perCase": {a: count[a] / n for a in sorted(count)},
        "meanSeconds": {a: mean[a] for a in sorted(count)},
    }))


if __name__ == "__main__":
    main(*sys.argv[1:6])
