"""Simulates a BPMN model with its Prosimos JSON parameters in Prosimos and
writes Prosimos' own event log (case_id, activity, enable_time, start_time,
end_time, resource): the peer of `atShiftEnd: pause`, whose resource
calendars stop work at the end of a shift and resume it at the next start.
Prints one JSON line with the number of cases.

  python prosimos_log.py model.bpmn params.json CASES SEED LOG.csv START
"""
import contextlib, io, json, random, sys, warnings

warnings.filterwarnings("ignore")


def main(bpmn, params, cases, seed, log, start):
    import numpy
    numpy.random.seed(int(seed))
    random.seed(int(seed))
    from prosimos.simulation_engine import run_simulation
    with contextlib.redirect_stdout(io.StringIO()):  # Prosimos prints sampling warnings
        run_simulation(bpmn, params, int(cases), log_out_path=log, starting_at=start)
    print(json.dumps({"cases": int(cases)}))


if __name__ == "__main__":
    main(*sys.argv[1:7])
