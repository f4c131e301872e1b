"""The peer of bench/discover.ts: PM4Py reads the same event log and discovers
what it can in one pass (the directly-follows graph with its start and end
activities), timed; prints one JSON line with the time and the peak resident set.

  python pm4py_discover.py log.csv     (autoshift's CSV: one row per task)
  python pm4py_discover.py log.xes
"""
import contextlib, io, json, resource, sys, time, warnings

warnings.filterwarnings("ignore")
with contextlib.redirect_stdout(io.StringIO()):
    import pandas as pd
    import pm4py


def main(path):
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        if path.endswith(".xes"):
            log = pm4py.read_xes(path, variant="iterparse")
        else:
            log = pm4py.format_dataframe(pd.read_csv(path, dtype={"case_id": str}), case_id="case_id", activity_key="activity",
                                         timestamp_key="end_time", start_timestamp_key="start_time")
        t1 = time.perf_counter()
        dfg, start, end = pm4py.discover_dfg(log)
    t2 = time.perf_counter()
    print(json.dumps({"rows": int(len(log)), "activities": len(start) + len(end), "edges": len(dfg),
                      "readSeconds": t1 - t0, "discoverSeconds": t2 - t1,
                      "peakRssMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


if __name__ == "__main__":
    main(sys.argv[1])
