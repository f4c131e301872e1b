"""Reads an event log with PM4Py (a real XES / CSV reader) and prints, as one JSON
line on stdout, what PM4Py discovers from it: the activities, the start and end
activities, the number of traces, and how many tasks of each activity. For
the autoshift event-log tests.

  python pm4py_log.py log.xes
  python pm4py_log.py log.csv       (autoshift's CSV: one row per task)

Start activities are read from the task starts, end activities from the task
completions (XES: the lifecycle start / complete events; CSV: start_time / end_time).
"""
import contextlib, io, json, sys, warnings

warnings.filterwarnings("ignore")
with contextlib.redirect_stdout(io.StringIO()):  # PM4Py prints a banner on import
    import pandas as pd
    import pm4py


def summary(starts, ends):
    return {
        "activities": sorted(set(starts["concept:name"]) | set(ends["concept:name"])),
        "start": {k: int(v) for k, v in sorted(pm4py.get_start_activities(starts).items())},
        "end": {k: int(v) for k, v in sorted(pm4py.get_end_activities(ends).items())},
        "traces": int(ends["case:concept:name"].nunique()),
        "counts": {k: int(v) for k, v in sorted(ends["concept:name"].value_counts().items())},
    }


def main(path):
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        if path.endswith(".xes"):
            log = pm4py.read_xes(path, variant="iterparse")
            starts = log[log["lifecycle:transition"] == "start"]
            ends = log[log["lifecycle:transition"] == "complete"]
        else:
            df = pd.read_csv(path, dtype={"case_id": str})
            starts = pm4py.format_dataframe(df.copy(), case_id="case_id", activity_key="activity", timestamp_key="start_time")
            ends = pm4py.format_dataframe(df.copy(), case_id="case_id", activity_key="activity", timestamp_key="end_time")
    print(json.dumps(summary(starts, ends)))


if __name__ == "__main__":
    main(sys.argv[1])
