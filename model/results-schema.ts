/**
 * The published JSON Schema of a result document (`autoshift run --json`),
 * written to docs/results.schema.json by `npm run build:schema`. Scripts depend
 * on these names: add fields, never rename them.
 */
const estimate = {
  type: 'object', additionalProperties: false, required: ['mean', 'ci95'],
  description: 'A figure across replications: its mean and the half-width of its 95% confidence interval (0 for one replication).',
  properties: { mean: { type: 'number' }, ci95: { type: 'number', minimum: 0 } },
};
const estimates = (required: string[], descriptions: Record<string, string>) => ({
  type: 'object', required,
  properties: Object.fromEntries(Object.entries(descriptions).map(([k, d]) => [k, { ...estimate, description: d }])),
  additionalProperties: estimate,
});

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
    seed: { type: 'integer', description: 'Seed of replication 1; replication r uses a seed derived from it.' },
    replications: { type: 'integer', minimum: 1 },
    simulatedSeconds: { type: 'number', description: 'Observed simulated time per replication (horizon minus warm-up).' },
    events: { type: 'integer', description: 'Engine events processed, over all replications.' },
    processes: {
      type: 'object', description: 'Per process, over cases that arrived after the warm-up.',
      additionalProperties: estimates(
        ['arrived', 'completed', 'waitMeanSeconds', 'cycleMeanSeconds', 'cycleP95Seconds', 'slaAttainment', 'costPerCase', 'automationShare'],
        {
          arrived: 'Cases that arrived.',
          completed: 'Cases completed before the horizon.',
          waitMeanSeconds: 'Mean total time a completed case spent waiting for capacity.',
          cycleMeanSeconds: 'Mean time from arrival to completion.',
          cycleP95Seconds: '95th percentile of the cycle time (streaming sketch, within 1%).',
          slaAttainment: 'Fraction of completed cases done within the SLA.',
          costPerCase: 'Direct cost of the work done on a case: service time times its pool\'s cost per hour.',
          automationShare: 'Fraction of tasks done by bots.',
          wipMean: 'Time-average number of cases in progress.',
          throughputPerHour: 'Completed cases per hour.',
        },
      ),
    },
    steps: {
      type: 'object', description: 'Per step, keyed "process/step".',
      additionalProperties: estimates(['completed', 'waitMeanSeconds', 'serviceMeanSeconds'], {
        completed: 'Tasks of this step done.', waitMeanSeconds: 'Mean wait of a task for a unit.', serviceMeanSeconds: 'Mean time a unit spent on a task.',
      }),
    },
    pools: {
      type: 'object',
      additionalProperties: estimates(['utilization', 'cost'], {
        utilization: 'Busy time over available time (on duty, not absent or down).',
        cost: 'Rostered unit-hours (size times hours on duty) times cost per hour.',
        busyHours: 'Unit-hours spent on tasks.', availableHours: 'Unit-hours available.',
      }),
    },
    totals: estimates(['completed', 'cost', 'slaAttainment', 'costPerCase'], {
      completed: 'Cases completed, all processes.', cost: 'Cost of all pools.',
      slaAttainment: 'Fraction of all completed cases within their SLA.', costPerCase: 'Cost of all pools per completed case.',
    }),
    resilience: {
      type: 'array', description: 'One entry per disruption of the scenario (see docs/results.md).',
      items: {
        type: 'object', required: ['disruption', 'timeToRecoverSeconds', 'lossAreaHours', 'worstBacklog', 'slaInWindow', 'extraCost'],
        properties: {
          disruption: { type: 'string' }, kind: { type: 'string' }, start: { type: 'number' }, end: { type: 'number' },
          recovered: estimate, timeToRecoverSeconds: estimate, lossAreaHours: estimate, worstBacklog: estimate,
          slaInWindow: estimate, extraCost: estimate, baselineBacklog: estimate, baselineSla: estimate,
        },
      },
    },
    timeseries: { type: 'object', description: 'With --timeseries: the sampled series of replication 1.' },
  },
} as const;
