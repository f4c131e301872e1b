/**
 * How many wall-clock timings a service keeps in memory for a benchmark
 * (grant latencies, workflow start times): the first ones of a run, so a
 * benchmark's run (a few thousand) is whole and a service that runs for
 * weeks does not grow. Prometheus histograms keep the rest.
 */
export const TIMINGS_KEPT = 100_000;
