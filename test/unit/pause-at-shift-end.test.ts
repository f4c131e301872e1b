/**
 * Pausing at shift end (`pools.<id>.atShiftEnd: pause`) against hand-built
 * calendars whose completion times are known exactly, and Little's law
 * (L = λW) on a long run where tasks are paused overnight and over weekends:
 * pausing moves work in time, it loses none and invents none.
 */
import { describe, it, expect } from 'vitest';
import { parseScenarioText } from '../../model/scenario-source.js';
import { compileScenario } from '../../model/compile-scenario.js';
import { runOnce, scenarioFrom } from '../helpers/scenario.js';
import type { TaskRecord } from '../../simulator/engine.js';
import { UnitDuty, dutyPlanOf } from '../../simulator/unit-duty.js';

const DAY = 86_400,
  H = 3600;

/** One clerk, Monday to Friday 09:00–17:00, a single step of `work`, cases arriving at `arrivals` (seconds). */
function office(atShiftEnd: string, work: string, arrivals: number[], extra = '', size = 1) {
  const text = `name: hand-built calendar
horizon: 21d
pools:
  clerks:
    kind: human
    size: ${size}
    skills: [review]
    atShiftEnd: ${atShiftEnd}
    shifts: [{ days: [mon, tue, wed, thu, fri], from: "09:00", to: "17:00" }]${extra}
processes:
  invoice: { sla: 1d, start: review, steps: { review: { skill: review, duration: { dist: constant, value: ${work} } } } }
demand: { invoice: { replay: arrivals.csv } }
`;
  return compileScenario(parseScenarioText(text, 'office.yaml'), { readCompanion: () => `seconds\n${arrivals.join('\n')}\n` });
}

function ends(scenario: ReturnType<typeof office>): TaskRecord[] {
  const tasks: TaskRecord[] = [];
  runOnce(scenario, 0, undefined, (r) => tasks.push(r));
  return tasks.sort((a, b) => a.enqueue - b.enqueue);
}

describe('atShiftEnd: pause, on hand-built calendars', () => {
  it('a 3 h task started Monday 16:00 ends Tuesday 11:00 (finish: Monday 19:00)', () => {
    const monday16 = 16 * H;
    expect(ends(office('pause', '3h', [monday16]))[0].end).toBe(DAY + 11 * H);
    expect(ends(office('finish', '3h', [monday16]))[0].end).toBe(19 * H);
  });

  it('a 5 h task started Friday 15:00 goes on the next Monday and ends 12:00', () => {
    const [t] = ends(office('pause', '5h', [4 * DAY + 15 * H]));
    expect(t.start).toBe(4 * DAY + 15 * H);
    expect(t.end).toBe(7 * DAY + 12 * H);
  });

  it('a case arriving off duty waits for the shift, then its task pauses at 17:00', () => {
    const [t] = ends(office('pause', '10h', [6 * H]));
    expect(t.start).toBe(9 * H);
    expect(t.end).toBe(DAY + 11 * H); // 8 h on Monday, 2 h on Tuesday
  });

  it('an absence pauses the task in hand of the absent clerk until the clerk is back', () => {
    // the one clerk is away all of Monday of week 2: 2 h on Friday, nothing on Monday, 3 h on Tuesday
    const scenario = office('pause', '5h', [4 * DAY + 15 * H], '\n    absences: [{ start: 7d, duration: 1d, units: 1 }]');
    expect(ends(scenario)[0].end).toBe(8 * DAY + 12 * H);
    // an absence that starts mid-shift: Tuesday 09:00 start, away 11:00–15:00: 4 h of work end at 17:00, 6 h on Wednesday 11:00
    const mid = (work: string) => office('pause', work, [DAY + 9 * H], '\n    absences: [{ start: 35h, duration: 4h, units: 1 }]');
    expect(ends(mid('4h'))[0].end).toBe(DAY + 17 * H);
    expect(ends(mid('6h'))[0].end).toBe(2 * DAY + 11 * H);
  });

  it('the work of a paused task is counted once: service, busy hours and cost are the work, not the calendar time', () => {
    const scenario = office('pause', '3h', [16 * H]);
    const figures = runOnce(scenario);
    expect(figures.steps['invoice/review'].serviceMeanSeconds).toBe(3 * H);
    expect(figures.pools.clerks.busyHours).toBeCloseTo(3, 9);
    expect(figures.processes.invoice.cycleMeanSeconds).toBe(DAY + 11 * H - 16 * H);
  });

  it('an absence of 1 of 2 clerks takes the last one (clerks#2), and only its task pauses', () => {
    // both start at Monday 09:00 on 4 h tasks; clerks#2 is away 10:00–12:00
    const scenario = office('pause', '4h', [9 * H, 9 * H], '\n    absences: [{ start: 10h, duration: 2h, units: 1 }]', 2);
    const byUnit = new Map(ends(scenario).map((t) => [t.resource, t]));
    expect(byUnit.get('clerks#1')!.end).toBe(13 * H);
    expect(byUnit.get('clerks#2')!.end).toBe(15 * H);
  });
});

describe('UnitDuty.workEnd', () => {
  it('walks shifts, weekends and absences', () => {
    const s = office('pause', '1h', [0], '\n    absences: [{ start: 7d, duration: 1d, units: 1 }]');
    const duty = new UnitDuty(dutyPlanOf(s, 0));
    expect(duty.workEnd(0, 9 * H, 8 * H)).toBe(17 * H); // exactly one shift
    expect(duty.workEnd(0, 17 * H, 1)).toBe(DAY + 9 * H + 1); // started at the off edge
    expect(duty.workEnd(0, 4 * DAY + 9 * H, 16 * H)).toBe(8 * DAY + 17 * H); // Friday, (Monday away), Tuesday
  });
});

describe("Little's law with pausing", () => {
  it('time-average WIP = arrival rate × mean cycle time', () => {
    const scenario = scenarioFrom(`
name: little
seed: 11
horizon: 400d
warmup: 14d
pools:
  clerks:
    kind: human
    size: 3
    skills: [review]
    atShiftEnd: pause
    shifts: [{ days: [mon, tue, wed, thu, fri], from: "08:00", to: "16:30" }]
    absences: [{ start: 40d, duration: 10d, units: 1 }, { start: 200d, duration: 3d, units: 2 }]
processes:
  invoice: { sla: 2d, start: review, steps: { review: { skill: review, duration: { dist: lognormal, mean: 2h, sd: 90m } } } }
demand: { invoice: { rate: 5/d } }
`);
    const f = runOnce(scenario).processes.invoice;
    const window = scenario.horizon - scenario.warmup;
    const lambda = f.arrived / window;
    const little = lambda * f.cycleMeanSeconds;
    // edge effects of a finite window: cases open at the end (and their age) are the only difference
    expect(Math.abs(f.wipMean - little) / little).toBeLessThan(0.03);
  });
});
