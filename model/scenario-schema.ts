/**
 * The published JSON Schema of a scenario file (docs/scenario.schema.json is
 * generated from this object by `npm run build:schema`, and a test keeps the two equal).
 * `x-expected` is our own annotation: the phrase an error message uses for
 * "what is expected" where the schema keyword alone would say too little.
 */
import { DURATION_PATTERN, RATE_PATTERN, TIME_OF_DAY_PATTERN } from './units.js';
import { DISTRIBUTIONS, DISTRIBUTION_KINDS, type FieldType } from '../simulator/distributions.js';
import { DISRUPTION_KINDS } from './disruptions.js';
import { BUILTIN_POLICY_NAMES } from './policy-names.js';

const id = '^[A-Za-z][A-Za-z0-9_.-]*$';
const duration = {
  anyOf: [
    { type: 'string', pattern: DURATION_PATTERN },
    { type: 'number', minimum: 0 },
  ],
  'x-expected': 'a duration like 90s, 20m, 4h, 2d or 1w (a bare number is seconds)',
  description: 'A duration: 90s, 20m, 4h, 2d, 1w; a bare number is seconds.',
};
const positiveDuration = duration;
const rate = {
  type: 'string',
  pattern: RATE_PATTERN,
  'x-expected': 'a rate like 8/h, 200/d or 3/m',
  description: 'Arrivals per unit of time: 8/h, 200/d, 3/m.',
};
const probability = { type: 'number', minimum: 0, maximum: 1, 'x-expected': 'a probability between 0 and 1' };
const multiplier = { type: 'number', minimum: 0 };
const window = {
  start: { ...duration, description: 'When it starts, counted from the start of the scenario.' },
  duration: { ...positiveDuration, description: 'How long it lasts.' },
};

/** How each kind of field of a distribution is written (simulator/distributions.ts `FieldType`). */
const fieldSchema: Record<FieldType, object> = {
  duration,
  durations: { type: 'array', minItems: 1, items: duration },
  weights: { type: 'array', minItems: 1, items: { type: 'number', minimum: 0 } },
};

const distribution = {
  type: 'object',
  description: 'A duration distribution. Times are durations (20m) or seconds.',
  required: ['dist'],
  properties: { dist: { enum: [...DISTRIBUTION_KINDS] } },
  discriminator: { propertyName: 'dist' },
  // one entry per kind of the table in simulator/distributions.ts
  oneOf: DISTRIBUTION_KINDS.map((kind): object => {
    const spec = DISTRIBUTIONS[kind];
    const fields = Object.entries(spec.fields) as [string, FieldType][];
    const optional = (spec.optional ?? []) as readonly string[];
    return {
      properties: { dist: { const: kind }, ...Object.fromEntries(fields.map(([f, type]) => [f, fieldSchema[type]])) },
      required: ['dist', ...fields.map(([f]) => f).filter((f) => !optional.includes(f))],
      additionalProperties: false,
    };
  }),
};

const expression = { type: 'string', minLength: 1, 'x-expected': "an expression like 'amount > 10000' (docs/scenario.md, Expressions)" };

/** A case attribute: a number from a distribution, or one of some strings by weight. */
const attribute = {
  'x-expected': '{ dist: ... } (a number) or { values: [a, b], weights: [3, 1] } (a string)',
  anyOf: [
    { ...distribution, description: 'A number attribute, drawn from this distribution (durations read as seconds: bare numbers are plain numbers).' },
    {
      type: 'object',
      additionalProperties: false,
      required: ['values'],
      description: 'A string attribute: one of values, with probability proportional to weights (all equal when absent).',
      properties: {
        values: { type: 'array', minItems: 1, items: { type: ['string', 'number', 'boolean'] } },
        weights: { type: 'array', minItems: 1, items: { type: 'number', minimum: 0 } },
      },
    },
  ],
};

const next = {
  description: 'Where a case goes after this step: a step id, a probabilistic branch, or a parallel split with its join. Absent: the case is done.',
  'x-expected': 'a step id, { branch: [{ to, p }, ...] } or { parallel: [step, ...], join: step }',
  anyOf: [
    { type: 'string', pattern: id },
    {
      type: 'object',
      additionalProperties: false,
      required: ['branch'],
      properties: {
        branch: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['to'],
            anyOf: [{ required: ['p'] }, { required: ['when'] }],
            'x-expected': "{ to: step, p: 0.3 } or { to: step, when: 'amount > 10000' }",
            properties: {
              to: { type: 'string', pattern: id, description: 'a step id, or "end"' },
              p: { ...probability, description: "Probability of this entry among the entries without 'when'." },
              when: {
                ...expression,
                description:
                  "A condition on the case's attributes (docs/scenario.md, Expressions): the first entry whose condition holds is taken; when none holds, the entries with 'p' are drawn.",
              },
            },
          },
        },
      },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['parallel', 'join'],
      properties: {
        parallel: { type: 'array', minItems: 2, items: { type: 'string', pattern: id } },
        join: { type: 'string', pattern: id, description: 'the step every branch leads to; it starts when all branches have arrived' },
      },
    },
  ],
};

const step = {
  type: 'object',
  additionalProperties: false,
  properties: {
    gateway: {
      const: true,
      description:
        'A routing point, not work: the step takes no unit and no time, it only passes the case on by its `next` (a parallel split or a branch). Use it where a process starts with a split or a choice, or where a branch leads into a split; with no `next`, the path ends there (a join at the end of the process). A gateway step has no skill or duration.',
    },
    skill: { type: 'string', pattern: id, description: 'Skill a unit needs to do this step; one work queue per skill. Required, except on a gateway step.' },
    duration: { ...distribution, description: 'Time the step takes, for humans and bots alike unless overridden.' },
    humanDuration: { ...distribution, description: 'Time the step takes a person (overrides duration).' },
    botDuration: { ...distribution, description: 'Time the step takes a bot (overrides duration).' },
    onBotFailure: { type: 'string', pattern: id, description: 'Step a case goes to when a bot fails this step (an exception for a person).' },
    durationScale: {
      ...expression,
      'x-expected': "a number expression like 'amount / 1000'",
      description: "A number expression over the case's attributes that multiplies this step's drawn durations (below 0, or not finite: 0).",
    },
    next,
    patience: {
      ...distribution,
      description: "How long a case waits for this step's task to start before it abandons (drawn per case). Absent: it waits forever.",
    },
    onAbandon: { type: 'string', pattern: id, description: 'Step an abandoned case goes to (e.g. a call-back). Absent: the case ends abandoned.' },
    onBlocked: {
      type: 'string',
      pattern: id,
      description: "Step a case goes to when this step's queue is full (an overflow route). Absent: the case is lost.",
    },
  },
};

const shift = {
  type: 'object',
  additionalProperties: false,
  required: ['days', 'from', 'to'],
  properties: {
    days: { type: 'array', minItems: 1, items: { enum: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] } },
    from: { type: 'string', pattern: TIME_OF_DAY_PATTERN, 'x-expected': 'a time of day like 08:00' },
    to: { type: 'string', pattern: TIME_OF_DAY_PATTERN, 'x-expected': 'a time of day like 17:30' },
  },
};

const pool = {
  type: 'object',
  required: ['kind', 'size', 'skills'],
  discriminator: { propertyName: 'kind' },
  oneOf: [
    {
      additionalProperties: false,
      properties: {
        kind: { const: 'human' },
        size: { type: 'integer', minimum: 0, description: 'Headcount.' },
        skills: { type: 'array', minItems: 1, items: { type: 'string', pattern: id } },
        costPerHour: { type: 'number', minimum: 0, description: 'Paid per person per hour on duty.' },
        shifts: { type: 'array', items: shift, description: 'Weekly calendar; absent means always on duty.' },
        switchOver: { ...duration, description: 'Time a person needs to change queue.' },
        atShiftEnd: {
          enum: ['finish', 'pause'],
          description:
            'A task in hand when the unit goes off duty (shift end, absence or outage): finish it first (default), or pause it until that unit is next on duty, with its remaining work.',
        },
        absences: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['start', 'duration', 'units'],
            properties: { ...window, units: { type: 'integer', minimum: 1 } },
          },
        },
      },
    },
    {
      additionalProperties: false,
      properties: {
        kind: { const: 'bot' },
        size: { type: 'integer', minimum: 0, description: 'Instances or licences.' },
        skills: { type: 'array', minItems: 1, items: { type: 'string', pattern: id } },
        costPerHour: { type: 'number', minimum: 0, description: 'Per instance per hour.' },
        failureRate: { ...probability, description: 'Probability that a task fails and goes to a person.' },
        shifts: { type: 'array', items: shift },
        atShiftEnd: {
          enum: ['finish', 'pause'],
          description:
            'A task in hand when the unit goes off duty (shift end, absence or outage): finish it first (default), or pause it until that unit is next on duty, with its remaining work.',
        },
      },
    },
  ],
};

/** fixed arrival times (`demand.<p>.schedule`), alone or beside a rate or interarrival */
const schedule = {
  type: 'array',
  minItems: 1,
  description:
    'Cases arriving at fixed times of the week, e.g. [{ at: "06:00", count: 200 }]: every day (or on days) at that time, count cases at once. Alone, or beside a rate or interarrival (their arrivals and these).',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['at'],
    properties: {
      days: {
        type: 'array',
        minItems: 1,
        items: { enum: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] },
        description: 'Days of the week (default every day).',
      },
      at: { type: 'string', pattern: TIME_OF_DAY_PATTERN, 'x-expected': 'a time of day like 06:00' },
      count: { type: 'integer', minimum: 1, description: 'Cases arriving together (default 1).' },
    },
  },
};

const demand = {
  type: 'object',
  'x-expected': "{ rate: 8/h, ... }, { interarrival: { dist: ... }, ... }, { schedule: [{ at: '06:00', count: 200 }] } or { replay: arrivals.csv }",
  anyOf: [
    {
      additionalProperties: false,
      properties: {
        rate: { ...rate, description: 'Poisson arrivals at this rate (scaled by the profiles and surges). Give rate or interarrival, not both.' },
        interarrival: {
          ...distribution,
          description:
            'Renewal arrivals: the time between arrivals at multiplier 1 (any distribution). The profiles and surges scale it in operational time: at multiplier m, gaps pass m times as fast. Give rate or interarrival, not both.',
        },
        batch: {
          ...distribution,
          description:
            'Cases per arrival, a distribution of whole numbers (bare numbers, e.g. { dist: empirical, values: [1, 2, 5] }); rounded; 0 brings none. Absent: 1.',
        },
        hourOfDay: { type: 'array', minItems: 24, maxItems: 24, items: multiplier, description: '24 multipliers of the rate, hour 0 first.' },
        dayOfWeek: { type: 'array', minItems: 7, maxItems: 7, items: multiplier, description: '7 multipliers, Monday first.' },
        surges: {
          type: 'array',
          items: { type: 'object', additionalProperties: false, required: ['start', 'duration', 'factor'], properties: { ...window, factor: multiplier } },
        },
        schedule,
      },
    },
    {
      additionalProperties: false,
      required: ['schedule'],
      properties: {
        schedule,
      },
    },
    {
      additionalProperties: false,
      required: ['replay'],
      properties: {
        replay: {
          type: 'string',
          minLength: 1,
          description: 'CSV of arrival times (first column: seconds from start, a duration, or an ISO timestamp), relative to the scenario file.',
        },
      },
    },
  ],
};

const disruption = {
  type: 'object',
  required: ['kind', 'start', 'duration'],
  discriminator: { propertyName: 'kind' },
  // one branch per kind, from model/disruptions.ts
  oneOf: Object.entries(DISRUPTION_KINDS).map(([kind, spec]) => ({
    additionalProperties: false,
    required: spec.fields.required,
    properties: { kind: { const: kind }, ...window, ...spec.fields.properties },
  })),
};

const policy = {
  description: 'The allocation policy: a built-in name, or { name, params }, or { module: ./my-policy.js, params }.',
  'x-expected': `a policy name (${BUILTIN_POLICY_NAMES.join(', ')}) or { name, params } or { module, params }`,
  anyOf: [
    { type: 'string', pattern: id, examples: [...BUILTIN_POLICY_NAMES] },
    {
      type: 'object',
      additionalProperties: false,
      required: ['name'],
      properties: { name: { type: 'string', pattern: id, examples: [...BUILTIN_POLICY_NAMES] }, params: { type: 'object' } },
    },
    { type: 'object', additionalProperties: false, required: ['module'], properties: { module: { type: 'string', minLength: 1 }, params: { type: 'object' } } },
  ],
};

export const scenarioSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://autoshift.dev/scenario.schema.json',
  title: 'autoshift scenario',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'horizon', 'pools', 'processes', 'demand'],
  properties: {
    $schema: { type: 'string' },
    name: { type: 'string', minLength: 1 },
    description: { type: 'string' },
    seed: { type: 'integer', minimum: 0, maximum: 4294967295, description: 'Seed of every random stream (default 1).' },
    start: {
      type: 'string',
      pattern: '^\\d{4}-\\d{2}-\\d{2}$',
      description: 'Calendar date of simulated time 0, a Monday (default 2026-01-05).',
      'x-expected': 'a date like 2026-01-05 (a Monday)',
    },
    horizon: { ...duration, description: 'Simulated time of one replication.' },
    warmup: { ...duration, description: 'Initial time excluded from all results (default 0).' },
    sampleEvery: { ...duration, description: 'Interval of the time series (default 1h).' },
    drain: { type: 'boolean', description: 'Stop arrivals at the horizon and run on until every case is done (default false).' },
    cases: {
      type: 'integer',
      minimum: 1,
      'x-expected': 'a whole number of cases, 1 or more',
      description: 'Exactly this many arrivals after the warm-up, then drain (the horizon no longer ends arrivals).',
    },
    rebalanceEvery: { ...duration, description: 'Interval between decision epochs of the policy (default 1h; 0 = only at start and at disruption edges).' },
    policy,
    queues: {
      type: 'object',
      description: 'Limits on units per work queue, and on the tasks waiting in it, by skill.',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        properties: {
          min: { type: 'integer', minimum: 0 },
          max: { type: 'integer', minimum: 0 },
          capacity: {
            type: 'integer',
            minimum: 0,
            description:
              "Tasks that may wait in the queue (those in service not counted); one arriving at a full queue is blocked (the step's onBlocked, or the case is lost). Absent: no limit.",
          },
        },
      },
    },
    pools: { type: 'object', minProperties: 1, propertyNames: { pattern: id }, additionalProperties: pool },
    processes: {
      type: 'object',
      minProperties: 1,
      propertyNames: { pattern: id },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['sla', 'start', 'steps'],
        properties: {
          sla: { ...duration, description: 'Promised time from arrival to completion.' },
          costOfDelayPerHour: { type: 'number', minimum: 0, description: 'Cost of an hour of delay of one case (used by the cmu policy; default 1).' },
          priority: {
            type: 'integer',
            description: "Priority class: every queue serves a higher class first, then by the policy's dispatch rule (default 0).",
          },
          preemptive: {
            type: 'boolean',
            description:
              "Its tasks interrupt a person's task of a lower class when no unit is free; that task resumes later with its remaining work (default false).",
          },
          start: { type: 'string', pattern: id, description: 'First step.' },
          attributes: {
            type: 'object',
            additionalProperties: attribute,
            description:
              "Case attributes, drawn once per case: name → distribution (a number) or { values, weights } (a string). Read by 'when' and 'durationScale'; written to the event log.",
          },
          steps: { type: 'object', minProperties: 1, propertyNames: { pattern: id }, additionalProperties: step },
        },
      },
    },
    demand: { type: 'object', minProperties: 1, additionalProperties: demand },
    disruptions: { type: 'array', items: disruption },
  },
} as const;
