/**
 * The published JSON Schema of a result document (`autoshift run --json`),
 * written to docs/results.schema.json by `npm run build:schema`. Scripts depend
 * on these names: add fields, never rename them.
 */
import { NULLABLE_PROCESS_FIGURES } from '../simulator/figures.js';
const estimate = {
  type: 'object',
  additionalProperties: false,
  required: ['mean', 'ci95'],
  description: 'A figure across replications: its mean and the half-width of its 95% confidence interval (0 for one replication).',
  properties: { mean: { type: 'number' }, ci95: { type: 'number', minimum: 0 } },
};
/** A mean over completed cases (or tasks): null when none completed in any replication (`notApplicable` says why). */
const nullableEstimate = { anyOf: [estimate, { type: 'null' }] };
const estimates = (required: string[], descriptions: Record<string, string>, nullable: readonly string[] = []) => ({
  type: 'object',
  required,
  properties: Object.fromEntries(
    Object.entries(descriptions).map(([k, d]) => [
      k,
      nullable.includes(k)
        ? { ...nullableEstimate, description: `${d} Null when computed over an empty set in every replication (see notApplicable).` }
        : { ...estimate, description: d },
    ]),
  ),
  additionalProperties: estimate,
});

const nullableNumbers = { type: 'array', items: { type: ['number', 'null'] } };
const band = {
  type: 'object',
  additionalProperties: false,
  required: ['mean', 'ci95'],
  description: 'Per sample instant: the mean across replications and the half-width of its 95% interval.',
  properties: { mean: nullableNumbers, ci95: nullableNumbers },
};

export const resultsSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://autoshift.dev/results.schema.json',
  title: 'autoshift result document',
  type: 'object',
  required: ['scenario', 'seed', 'replications', 'simulatedSeconds', 'events', 'processes', 'steps', 'pools'],
  properties: {
    scenario: { type: 'string', description: 'The scenario name.' },
    file: { type: 'string', description: 'The scenario file.' },
    policy: { type: 'string', description: 'The allocation policy run.' },
    runtime: { enum: ['sim', 'live'], description: 'Which runtime produced the document (absent: sim).' },
    description: { type: 'string', description: "The scenario's description." },
    warnings: {
      type: 'array',
      items: { type: 'string' },
      description:
        'Figures that are not applicable (no case completed, none inside a disruption window) and what the scenario asks for that the run cannot measure (a disruption after the horizon, replayed arrivals all in the warm-up), each with its reason.',
    },
    notApplicable: {
      type: 'object',
      additionalProperties: { type: 'string' },
      description: 'Why each null figure is null, by its path: { "processes.ticket.cycleMeanSeconds": "no case completed (3 arrived after the warm-up)" }.',
    },
    overrides: { type: 'array', items: { type: 'string' }, description: 'The --set overrides the run was made with (PATH=VALUE).' },
    warmupSeconds: { type: 'number', description: "The scenario's warm-up: results count cases arriving after it." },
    horizonSeconds: { type: 'number', description: "The scenario's horizon." },
    sampleEverySeconds: { type: 'number', description: 'The sampling interval of the time series.' },
    slaSeconds: { type: 'object', additionalProperties: { type: 'number' }, description: 'Per process, its SLA: the cycle time within which a case meets it.' },
    seed: { type: 'integer', description: 'Seed of replication 1; replication r uses a seed derived from it.' },
    replications: { type: 'integer', minimum: 1 },
    simulatedSeconds: {
      type: 'number',
      description:
        'Observed simulated time per replication, from the end of the warm-up to the end of the run: horizon minus warm-up; with drain or cases, replications end with their last case, and this is the mean of their lengths (each in simulatedSecondsByReplication).',
    },
    simulatedSecondsByReplication: {
      type: 'array',
      items: { type: 'number' },
      description: "Each replication's observed simulated time, when they differ (drain, cases); absent when all are the same.",
    },
    events: { type: 'integer', description: 'Engine events processed, over all replications.' },
    processes: {
      type: 'object',
      description: 'Per process, over cases that arrived after the warm-up.',
      additionalProperties: estimates(
        ['arrived', 'completed', 'waitMeanSeconds', 'cycleMeanSeconds', 'cycleP95Seconds', 'slaAttainment', 'costPerCase', 'automationShare'],
        {
          arrived: 'Cases that arrived.',
          completed: 'Cases completed before the horizon.',
          openAtEnd: 'Cases that arrived and were still open at the horizon (left out of every cycle-time figure).',
          openAgeMeanSeconds: 'Mean age at the horizon of the cases still open then.',
          waitMeanSeconds:
            'Mean time a completed case spent waiting for capacity, summed over all its tasks: the waits of parallel branches add up, so it can exceed the cycle time.',
          criticalPathWaitMeanSeconds:
            "Mean wait on a completed case's critical path (the last branch to reach each join): the part of the cycle time spent waiting, never more than the cycle.",
          cycleMeanSeconds: 'Mean time from arrival to completion.',
          cycleP95Seconds: '95th percentile of the cycle time (streaming sketch, within 0.5% of the exact sample quantile).',
          slaAttainment: 'Fraction of completed cases done within the SLA.',
          costPerCase: "Direct cost of the work done on a case: service time times its pool's cost per hour.",
          automationShare: "Fraction of the completed cases' tasks done by bots.",
          wipMean: 'Time-average number of cases in progress.',
          throughputPerHour: 'Completed cases per hour.',
          abandoned: 'Tasks that left their queue because the case ran out of patience (steps.<s>.patience; only in scenarios with patience).',
          abandonmentRate: 'abandoned / (abandoned + tasks served at steps with a patience): the share of the tasks that could abandon that did.',
          servedWaitMeanSeconds: 'Mean wait of the tasks served at steps with a patience (zero waits included).',
          abandonedWaitMeanSeconds: 'Mean time an abandoned task waited before it left.',
          casesAbandoned: 'Cases that ended abandoned (an abandoned task with no onAbandon step); not counted as completed.',
          blocked: 'Tasks that found their queue full (queues.<skill>.capacity; only in scenarios with a capacity).',
          blockingRate: 'blocked / tasks that came to a queue with a capacity.',
          casesLost: 'Cases lost at a full queue (a blocked task with no onBlocked step); not counted as completed.',
        },
        NULLABLE_PROCESS_FIGURES,
      ),
    },
    priorityClasses: {
      type: 'object',
      description:
        "Per priority class (processes.<p>.priority; only in scenarios with priorities), its processes' cases together: arrived, completed, waitMeanSeconds, cycleMeanSeconds, slaAttainment, and the abandonment and blocking figures when used.",
      additionalProperties: { type: 'object', additionalProperties: nullableEstimate },
    },
    steps: {
      type: 'object',
      description: 'Per step, keyed "process/step".',
      additionalProperties: estimates(
        ['completed', 'waitMeanSeconds', 'serviceMeanSeconds'],
        {
          completed: 'Tasks of this step done.',
          waitMeanSeconds: 'Mean wait of a task for a unit.',
          serviceMeanSeconds: 'Mean time a unit spent on a task.',
        },
        ['waitMeanSeconds', 'serviceMeanSeconds'],
      ),
    },
    pools: {
      type: 'object',
      additionalProperties: estimates(
        ['utilization', 'cost'],
        {
          utilization: 'Busy time over available time (on duty, not absent or down).',
          cost: 'Rostered unit-hours (size times hours on duty) times cost per hour.',
          busyHours: 'Unit-hours spent on tasks.',
          availableHours: 'Unit-hours available.',
        },
        ['utilization'],
      ),
    },
    totals: estimates(
      ['completed', 'cost', 'slaAttainment', 'costPerCase'],
      {
        completed: 'Cases completed, all processes.',
        cost: 'Cost of all pools.',
        slaAttainment: 'Fraction of all completed cases within their SLA.',
        costPerCase: 'Cost of all pools per completed case.',
      },
      ['slaAttainment', 'costPerCase'],
    ),
    resilience: {
      type: 'array',
      description: 'One entry per disruption of the scenario (see docs/results.md).',
      items: {
        type: 'object',
        required: ['disruption', 'timeToRecoverSeconds', 'lossAreaHours', 'worstBacklog', 'slaInWindow', 'extraCost'],
        description:
          'A figure over an empty set is null, with the reason under notApplicable ("resilience[0].slaInWindow"): slaInWindow when no case completed or ended unserved inside the window, baselineSla when none did in the baseline, every window figure when the run ends before the disruption starts.',
        properties: {
          disruption: { type: 'string' },
          kind: { type: 'string' },
          start: { type: 'number' },
          end: { type: 'number' },
          recovered: nullableEstimate,
          timeToRecoverSeconds: nullableEstimate,
          lossAreaHours: nullableEstimate,
          worstBacklog: nullableEstimate,
          slaInWindow: nullableEstimate,
          completedInWindow: nullableEstimate,
          extraCost: nullableEstimate,
          baselineBacklog: estimate,
          baselineSla: nullableEstimate,
        },
      },
    },
    cycleTimeQuantiles: {
      type: 'object',
      required: ['probabilities', 'processes'],
      description:
        'Per process, the cycle-time quantiles in seconds (streaming sketch, within 1%) at each of `probabilities`, as figures across replications; null for a process with no completed case (see notApplicable).',
      properties: {
        probabilities: { type: 'array', items: { type: 'number', minimum: 0, maximum: 1 } },
        processes: { type: 'object', additionalProperties: { anyOf: [{ type: 'array', items: estimate }, { type: 'null' }] } },
      },
    },
    timeseries: { type: 'object', description: 'With --timeseries: the sampled series of replication 1.' },
    timeseriesBand: {
      type: 'object',
      required: ['replications', 'time', 'backlog', 'backlogTotal', 'utilization', 'slaAttainment', 'utilizationByDay', 'slaByPeriod'],
      description:
        'With --timeseries: the series of every replication as a band: per sample, the mean across replications and its 95% half-width (null when no replication had a value).',
      properties: {
        replications: { type: 'integer', minimum: 1 },
        time: { type: 'array', items: { type: 'number' }, description: 'End of each sample interval, seconds from the start of the run.' },
        backlog: { type: 'object', additionalProperties: band, description: 'Tasks waiting, per queue.' },
        backlogTotal: band,
        utilization: { type: 'object', additionalProperties: band, description: 'Busy share of available units, per pool.' },
        slaAttainment: band,
        utilizationByDay: {
          type: 'object',
          description: "Per pool and day, the mean of the day's utilisation samples in which the pool had units available, as a band.",
          properties: { start: { type: 'array', items: { type: 'number' } }, pools: { type: 'object', additionalProperties: band } },
        },
        slaByPeriod: {
          type: 'object',
          description: 'SLA attainment of the cases completed in each period (a day for runs up to 31 days, else a week), as a band.',
          properties: { periodSeconds: { type: 'number' }, start: { type: 'array', items: { type: 'number' } }, attainment: band },
        },
      },
    },
  },
} as const;
