/**
 * The dashboards are not silently empty: a bundled scenario's what-if run is exported as OpenMetrics
 * (`autoshift run --openmetrics`), loaded into a real Prometheus with `autoshift backfill` (promtool
 * TSDB blocks; Prometheus started by infra/up.sh in its own home, so the shared one is untouched),
 * and every PromQL expression of the generated dashboards and rules, with the dashboard variables
 * substituted, must return at least one series with a number from /api/v1/query_range. Recording
 * rules do not run on backfilled data, so rules that read recorded series are checked with the
 * recording expressions inlined. Also here, with promtool from the same package: `check config`,
 * `check rules`, `test rules` (each alert fires on a synthetic disruption, silent on a steady
 * series) and `check metrics` on the live /metrics exposition.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { autoshift, ROOT } from '../helpers/cli.js';
import { dashboardExpressions, inlineRecordingRules, rulesFile, substitute, type Expression } from '../helpers/promql.js';
import { queryRange, runPromtool, startOwnPrometheus, type OwnPrometheus } from '../helpers/prometheus.js';
import { alertRules } from '../../dashboards/rules.js';
import { createMetrics } from '../../metrics/registry.js';
import { runLabels } from '../../metrics/run-labels.js';
import { loadScenario } from '../../cli/load-scenario.js';

const loadScenarioFile = (file: string) => loadScenario(join(ROOT, file), []);

const SCENARIO = 'scenarios/outage-and-surge.yaml';
const RUN = 'dashboards-test';
const SPEED = 3600;

describe('promtool', () => {
  it('check config: dashboards/prometheus.yml and its rule files', () => {
    const r = runPromtool(['check', 'config', 'dashboards/prometheus.yml']);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain('SUCCESS: 9 rules found');
  });

  it('test rules: each alert fires on a synthetic disruption and stays silent on a steady series', () => {
    const r = runPromtool(['test', 'rules', 'dashboards/prometheus/rules.test.yml']);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain('SUCCESS');
  });

  it("check metrics: the live runtime's exposition has no lint errors", async () => {
    const registry = new Registry();
    const scenario = loadScenarioFile(SCENARIO);
    const m = createMetrics(registry, runLabels('live', scenario, 'lint', 'static'));
    m.grants.inc({ pool: 'adjusters' });
    m.grantLatency.observe(0.01);
    m.queueWaiting.set({ queue: 'review' }, 3);
    m.casesWithinSla.inc({ process: 'claim' });
    m.disruptionActive.set({ disruption: 'outage extraction-bot @14d', kind: 'outage', target: 'extraction-bot' }, 1);
    const r = runPromtool(['check', 'metrics'], await registry.metrics());
    expect(r.out.trim(), r.out).toBe('');
    expect(r.code).toBe(0);
  });
});

describe('every dashboard and rule expression returns data from a backfilled what-if run', () => {
  let prom: OwnPrometheus;
  let start = 0,
    end = 0;
  let exported = new Set<string>();

  beforeAll(async () => {
    prom = await startOwnPrometheus();
    const file = join(mkdtempSync(join(tmpdir(), 'autoshift-dash-')), 'plan.om');
    // the run ends 2 minutes ago: 35 simulated days at 3600x are 14 wall minutes
    const scenario = loadScenarioFile(SCENARIO);
    const t0 = Date.now() - 120_000 - (scenario.horizon / SPEED) * 1000;
    const run = autoshift(['run', SCENARIO, '--openmetrics', file, '--align-to', new Date(t0).toISOString(), '--speed', String(SPEED), '--run-id', RUN]);
    expect(run.code, run.stderr).toBe(0);
    const text = readFileSync(file, 'utf8');
    exported = new Set([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => (m[2] === 'counter' ? `${m[1]}_total` : m[1])));
    const fill = autoshift(['backfill', file, '--data', prom.data, '--url', prom.url, '--wait', '150'], { timeout: 200_000 });
    expect(fill.code, fill.stderr).toBe(0);
    start = Math.floor(t0 / 1000 + scenario.warmup / SPEED);
    end = Math.ceil(t0 / 1000 + scenario.horizon / SPEED);
  }, 600_000);

  afterAll(() => prom?.stop());

  const rules = rulesFile();
  const expressions: (Expression & { alert?: boolean })[] = [
    ...dashboardExpressions(),
    ...rules.groups.flatMap((g) => g.rules.map((r) => ({ where: `rules.yml ${r.record ?? r.alert}`, expr: r.expr, alert: !!r.alert }))),
    // an alert's expression is empty unless it fires: each side of its conditions must have data
    ...alertRules.flatMap((a) =>
      [a, ...(a.and ? [a.and] : [])].flatMap((c, i) => [
        { where: `rules.yml ${a.alert} condition ${i + 1} signal`, expr: c.signal },
        { where: `rules.yml ${a.alert} condition ${i + 1} threshold`, expr: c.threshold },
      ]),
    ),
  ];
  const vars = { source: 'live|sim', scenario: 'outage-and-surge', run: RUN, plan: RUN, actual: '.*', policy: '.*' };
  /** expressions that read metrics only the live runtime writes (grant latency, intake, ...) or ask for source="live" */
  const liveOnly = (e: string) =>
    /source="live"/.test(e) || (e.match(/autoshift_[a-z0-9_]+/g) ?? []).some((n) => !exported.has(n.replace(/_(bucket|sum|count)$/, '')) && !exported.has(n));

  it('has expressions to check', () => expect(expressions.length).toBeGreaterThan(40));

  for (const { where, expr, alert } of expressions) {
    it(where, async () => {
      const q = substitute(inlineRecordingRules(expr, rules), vars);
      const res = await queryRange(prom.url, q, start, end, 15);
      expect(res.status, `${q}: ${res.error}`).toBe('success');
      if (alert) return; // empty unless it fires: its conditions' sides are checked below
      if (liveOnly(q)) return; // valid PromQL (Prometheus parsed and ran it); its data comes from a live run
      const numbers = (res.data?.result ?? []).flatMap((s) => s.values).filter(([, v]) => Number.isFinite(Number(v)));
      expect(numbers.length, `no data for ${where}:\n${q}`).toBeGreaterThan(0);
    });
  }

  it("the live-only expressions are the live runtime's health panels and the actual side of plan vs actual, no more", () => {
    const live = expressions.filter((e) => liveOnly(substitute(e.expr, vars))).map((e) => e.where);
    expect(
      live.every((w) => /Live runtime|Work done|escalated|Cycle time|Grant latency|Intake|epochs|actual|variable actual/i.test(w)),
      live.join('\n'),
    ).toBe(true);
  });

  it("the bot-pool-down alert's expression holds during the plan's bot outage, and only then", async () => {
    const expr = rules.groups.flatMap((g) => g.rules).find((r) => r.alert === 'AutoshiftBotPoolDown')!.expr;
    const res = await queryRange(prom.url, expr, start, end, 1);
    const series = res.data!.result;
    expect(series.map((s) => s.metric.target)).toEqual(['extraction-bot']);
    expect(series[0].values.length).toBeGreaterThanOrEqual(20);
    expect(series[0].values.length).toBeLessThanOrEqual(26);
  });

  it('disruption annotations: the outage is in force for a day of simulated time (24 wall seconds at 3600x)', async () => {
    const res = await queryRange(prom.url, `max by (disruption) (autoshift_disruption_active{run="${RUN}",kind="outage"}) == 1`, start, end, 1);
    const points = res.data!.result[0].values.length;
    // samples 1 wall second apart; the outage covers the 24 hourly samples from 14d+1h to 15d (each sample is the hour before it)
    expect(points).toBeGreaterThanOrEqual(23);
    expect(points).toBeLessThanOrEqual(26);
  });
});
