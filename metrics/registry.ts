/**
 * Every Prometheus metric of the live runtime, defined in this one module on
 * one injected `Registry` (never prom-client's global one). Names are
 * `autoshift_` + snake_case + base unit; counters end in `_total`; labels are
 * few and bounded (process, pool, queue, outcome: names from the scenario).
 * Times in `_seconds` are wall seconds unless the name says `simulated`.
 * The dashboards are checked against `METRIC_NAMES`.
 *
 * ```ts
 * const registry = new Registry();
 * const metrics = createMetrics(registry);
 * metrics.grants.inc({ pool: 'clerks' });
 * const server = await serveMetrics(registry, 9464);
 * ```
 */
import { createServer, type Server } from 'node:http';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

const latencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** hand-offs on a loaded machine reach tens of seconds: bounded up to two minutes, so the largest is known (test/integration/live-resilience.test.ts reads it) */
const handoffBuckets = [...latencyBuckets, 30, 60, 120];
const simBuckets = [60, 300, 900, 1800, 3600, 7200, 14400, 28800, 86400, 172800, 604800];

/**
 * Labels every series of a registry carries, so that one dashboard shows live
 * runs and backfilled what-if runs side by side: `source` is `live` or `sim`,
 * `run` the run id, `scenario` the scenario file's name (metrics/run-labels.ts).
 */
export interface RunLabels {
  source: 'live' | 'sim';
  run: string;
  scenario: string;
  policy: string;
}

/** Labels of a disruption's series: its label from the scenario, its kind, the pool or process it hits ("all": every process). */
const disruptionLabels = ['disruption', 'kind', 'target'];

export function createMetrics(registry: Registry, runLabels?: RunLabels) {
  if (runLabels) registry.setDefaultLabels({ ...runLabels });
  const registers = [registry];
  return {
    // producer
    demandPublished: new Counter({ name: 'autoshift_demand_published_total', help: 'Demand events published to Kafka', labelNames: ['process'], registers }),
    disruptionsPublished: new Counter({ name: 'autoshift_disruption_events_published_total', help: 'Disruption edges published to Kafka', registers }),
    // intake
    casesStarted: new Counter({ name: 'autoshift_cases_started_total', help: 'Case workflows started by intake', labelNames: ['process'], registers }),
    duplicateDeliveries: new Counter({
      name: 'autoshift_duplicate_deliveries_total',
      help: 'Demand events delivered again whose workflow already existed (counted as success)',
      registers,
    }),
    deadLetters: new Counter({ name: 'autoshift_dead_letters_total', help: 'Messages sent to the dead-letter topic', labelNames: ['topic'], registers }),
    workflowStart: new Histogram({
      name: 'autoshift_workflow_start_seconds',
      help: 'Wall time of one Temporal workflow start',
      buckets: latencyBuckets,
      registers,
    }),
    // activities
    eventsPublished: new Counter({
      name: 'autoshift_events_published_total',
      help: 'Task and case events published by activities',
      labelNames: ['type'],
      registers,
    }),
    // allocator
    grants: new Counter({ name: 'autoshift_grants_total', help: 'Units granted to tasks', labelNames: ['pool'], registers }),
    grantLatency: new Histogram({
      name: 'autoshift_grant_latency_seconds',
      help: 'Wall time of the grant hand-off, for every grant: from the task request (a unit was free) or from the simulated instant a unit came free for a queued task, to the grant signal delivered',
      buckets: latencyBuckets,
      registers,
    }),
    grantRecord: new Histogram({
      name: 'autoshift_grant_record_seconds',
      help: 'Wall time to write a batch of grants to Kafka',
      buckets: latencyBuckets,
      registers,
    }),
    signal: new Histogram({ name: 'autoshift_grant_signal_seconds', help: 'Wall time of one grant signal to Temporal', buckets: latencyBuckets, registers }),
    queueWaiting: new Gauge({ name: 'autoshift_queue_waiting_tasks', help: 'Tasks waiting in each work queue', labelNames: ['queue'], registers }),
    poolBusy: new Gauge({ name: 'autoshift_pool_busy_units', help: 'Units working on a task', labelNames: ['pool'], registers }),
    poolAvailable: new Gauge({ name: 'autoshift_pool_available_units', help: 'Units on duty and not down', labelNames: ['pool'], registers }),
    epochs: new Counter({ name: 'autoshift_policy_epochs_total', help: 'Decision epochs of the allocation policy', labelNames: ['trigger'], registers }),
    simulatedTime: new Gauge({
      name: 'autoshift_simulated_time_seconds',
      help: 'Simulated seconds since the scenario start, as the allocator sees it',
      registers,
    }),
    // lag (logical time): how long after its simulated moment an event reaches the service that acts on it
    handoff: new Histogram({
      name: 'autoshift_handoff_seconds',
      help: "Wall time from an event's simulated moment to its arrival: start (arrival to workflow started, intake), request and finish (task requested or ended to the allocator), disruption (edge to the allocator)",
      labelNames: ['stage'],
      buckets: handoffBuckets,
      registers,
    }),
    lag: new Gauge({
      name: 'autoshift_lag_seconds',
      help: 'Largest hand-off to the allocator in the last second: wall time the run is behind its simulated schedule',
      registers,
    }),
    lagBudget: new Gauge({
      name: 'autoshift_lag_budget_seconds',
      help: 'Wall time the allocator waits before deciding a simulated moment (settle time): a larger hand-off is applied late',
      registers,
    }),
    lateEvents: new Counter({
      name: 'autoshift_late_events_total',
      help: 'Events that reached the allocator after their simulated moment was decided (hand-off above the settle time): applied late',
      labelNames: ['stage'],
      registers,
    }),
    // outcomes (collector)
    casesCompleted: new Counter({ name: 'autoshift_cases_completed_total', help: 'Cases completed', labelNames: ['process'], registers }),
    casesWithinSla: new Counter({
      name: 'autoshift_cases_completed_within_sla_total',
      help: 'Cases completed by their SLA due date (SLA attainment = this over autoshift_cases_completed_total)',
      labelNames: ['process'],
      registers,
    }),
    slaAttainment: new Gauge({
      name: 'autoshift_sla_attainment_ratio',
      help: "Share of the cases completed in the last sample interval (the scenario's sampleEvery) that met their SLA, as the resilience measures read it",
      registers,
    }),
    // resilience (metrics/resilience-series.ts: the same measure as the result document's resilience block)
    disruptionActive: new Gauge({
      name: 'autoshift_disruption_active',
      help: 'Whether the disruption is in force (1) or not (0)',
      labelNames: disruptionLabels,
      registers,
    }),
    disruptionLength: new Gauge({
      name: 'autoshift_disruption_length_simulated_seconds',
      help: 'Scheduled length of the disruption, simulated seconds',
      labelNames: disruptionLabels,
      registers,
    }),
    disruptionRecovered: new Gauge({
      name: 'autoshift_disruption_recovered',
      help: 'Whether the operation has recovered from the disruption (1) or not yet (0); absent before it starts',
      labelNames: disruptionLabels,
      registers,
    }),
    disruptionTimeToRecover: new Gauge({
      name: 'autoshift_disruption_time_to_recover_simulated_seconds',
      help: 'From the start of the disruption to recovery, or to now while not recovered, simulated seconds',
      labelNames: disruptionLabels,
      registers,
    }),
    disruptionLossArea: new Gauge({
      name: 'autoshift_disruption_loss_area_simulated_seconds',
      help: 'Lost SLA attainment integrated from the start of the disruption to recovery or now (share x simulated seconds)',
      labelNames: disruptionLabels,
      registers,
    }),
    disruptionWorstBacklog: new Gauge({
      name: 'autoshift_disruption_worst_backlog_tasks',
      help: 'Largest backlog from the start of the disruption to recovery or now',
      labelNames: disruptionLabels,
      registers,
    }),
    disruptionBaselineSla: new Gauge({
      name: 'autoshift_disruption_baseline_sla_ratio',
      help: 'SLA attainment over the week before the disruption',
      labelNames: disruptionLabels,
      registers,
    }),
    disruptionBaselineBacklog: new Gauge({
      name: 'autoshift_disruption_baseline_backlog_tasks',
      help: 'Mean backlog over the week before the disruption',
      labelNames: disruptionLabels,
      registers,
    }),
    disruptionSlaInWindow: new Gauge({
      name: 'autoshift_disruption_sla_in_window_ratio',
      help: 'SLA attainment of the cases completed from the start of the disruption to recovery or now',
      labelNames: disruptionLabels,
      registers,
    }),
    slaBreaches: new Counter({ name: 'autoshift_sla_breaches_total', help: 'Cases past their SLA due date', labelNames: ['process'], registers }),
    cycle: new Histogram({
      name: 'autoshift_case_cycle_simulated_seconds',
      help: 'Cycle time of completed cases, simulated seconds',
      labelNames: ['process'],
      buckets: simBuckets,
      registers,
    }),
    tasksDone: new Counter({ name: 'autoshift_tasks_done_total', help: 'Tasks finished', labelNames: ['pool', 'outcome'], registers }),
    unserved: new Counter({
      name: 'autoshift_tasks_unserved_total',
      help: 'Tasks not served: the case ran out of patience (abandoned) or the queue was full (blocked)',
      labelNames: ['process', 'outcome'],
      registers,
    }),
    escalations: new Counter({
      name: 'autoshift_bot_escalations_total',
      help: 'Bot tasks escalated to a person: the bot failed (bot-failure) or could not be reached (bot-unavailable)',
      labelNames: ['pool', 'reason'],
      registers,
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** Every metric name defined above (dashboards and tests check against it), read off a throwaway registry: never kept by hand. */
export const METRIC_NAMES: readonly string[] = Object.values(createMetrics(new Registry())).map((m) => (m as unknown as { name: string }).name);

/** Serves `GET /metrics` of the registry on 127.0.0.1:port (0 = any free port). */
export async function serveMetrics(registry: Registry, port: number, host = '127.0.0.1'): Promise<Server & { port: number }> {
  const server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end('not found\n');
      return;
    }
    registry.metrics().then(
      (body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body),
      (err: Error) => res.writeHead(500).end(`${err.message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const addr = server.address();
  return Object.assign(server, { port: typeof addr === 'object' && addr ? addr.port : port });
}
