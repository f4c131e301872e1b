/** Grid parsing of `autoshift sweep`: axes, fixed overrides, cell order and clear errors. */
import { describe, it, expect } from 'vitest';
import { attributeError, attributeToOverrides, describeCell, parseSweepGrid } from '../../model/sweep-grid.js';
import { ScenarioError } from '../../model/errors.js';

const message = (f: () => unknown): string => {
  try {
    f();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected an error');
};

describe('axes and fixed overrides', () => {
  it('reads a..b as the integers from a to b', () => {
    const g = parseSweepGrid(['pools.clerks.size=2..6']);
    expect(g.axes).toEqual([{ path: 'pools.clerks.size', raw: ['2', '3', '4', '5', '6'], values: [2, 3, 4, 5, 6] }]);
    expect(g.cells.map((c) => c.overrides)).toEqual([2, 3, 4, 5, 6].map((n) => [`pools.clerks.size=${n}`]));
  });

  it('reads a..b:step, stopping at or before b; a..a is one value; negatives are fine', () => {
    expect(parseSweepGrid(['x=0..10:4']).axes[0].values).toEqual([0, 4, 8]);
    expect(parseSweepGrid(['x=3..3']).axes[0].values).toEqual([3]);
    expect(parseSweepGrid(['x=-2..1']).axes[0].values).toEqual([-2, -1, 0, 1]);
    expect(parseSweepGrid(['x = 1 .. 3 : 2']).axes[0].values).toEqual([1, 3]);
  });

  it('reads x,y,z as a list of YAML scalars', () => {
    const g = parseSweepGrid(['policy=static,reactive', 'horizon=10d, 20d', 'pools.bot.failureRate=0.05,0.1']);
    expect(g.axes.map((a) => a.values)).toEqual([
      ['static', 'reactive'],
      ['10d', '20d'],
      [0.05, 0.1],
    ]);
    expect(g.axes[1].raw).toEqual(['10d', '20d']);
  });

  it('keeps plain values, YAML flow values, quoted text and relative paths as fixed overrides', () => {
    const g = parseSweepGrid(['pools.a.size=1..2', 'horizon=30d', 'pools.a.skills=[x,y]', "name='a, b'", 'demand.job.replay=../arrivals.csv']);
    expect(g.axes.map((a) => a.path)).toEqual(['pools.a.size']);
    expect(g.fixed).toEqual(['horizon=30d', 'pools.a.skills=[x,y]', "name='a, b'", 'demand.job.replay=../arrivals.csv']);
  });

  it('with no axes is a single cell of the fixed overrides', () => {
    const g = parseSweepGrid(['horizon=30d']);
    expect(g.cells).toEqual([{ index: 0, values: {}, overrides: ['horizon=30d'], axisOverrides: [] }]);
    expect(describeCell(g.cells[0])).toBe('(no axes)');
  });
});

describe('cell order', () => {
  it('is the cartesian product, first axis slowest, last fastest', () => {
    const g = parseSweepGrid(['a=1..2', 'b=x,y,z']);
    expect(g.cells.map((c) => c.values)).toEqual([
      { a: 1, b: 'x' },
      { a: 1, b: 'y' },
      { a: 1, b: 'z' },
      { a: 2, b: 'x' },
      { a: 2, b: 'y' },
      { a: 2, b: 'z' },
    ]);
    expect(g.cells.map((c) => c.index)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('applies the --set options in the order given, each axis replaced by the cell value', () => {
    const g = parseSweepGrid(['pools.bot.size=0..1', 'horizon=30d', 'pools.clerks.size=2..3']);
    expect(g.cells.map((c) => c.overrides)).toEqual([
      ['pools.bot.size=0', 'horizon=30d', 'pools.clerks.size=2'],
      ['pools.bot.size=0', 'horizon=30d', 'pools.clerks.size=3'],
      ['pools.bot.size=1', 'horizon=30d', 'pools.clerks.size=2'],
      ['pools.bot.size=1', 'horizon=30d', 'pools.clerks.size=3'],
    ]);
    expect(describeCell(g.cells[2])).toBe('pools.bot.size=1, pools.clerks.size=2');
  });

  it('is the same on every call', () => {
    const sets = ['a=0..4:2', 'b=p,q', 'c=7'];
    expect(parseSweepGrid(sets)).toEqual(parseSweepGrid(sets));
  });
});

describe('errors name the --set and what is expected', () => {
  it('a..b with a > b', () => {
    const m = message(() => parseSweepGrid(['pools.clerks.size=5..2']));
    expect(m).toBe('--set pools.clerks.size=5..2: expected a..b with a <= b');
  });

  it('are ScenarioErrors (the CLI exits 2 without a stack)', () => {
    try {
      parseSweepGrid(['x=5..2']);
    } catch (err) {
      expect((err as Error).name).toBe('ScenarioError');
      return;
    }
    throw new Error('expected an error');
  });

  it('non-integer ranges, bad steps, empty list items, repeated values', () => {
    expect(message(() => parseSweepGrid(['x=1.5..3']))).toBe('--set x=1.5..3: expected a..b or a..b:step with integers a <= b and step >= 1');
    expect(message(() => parseSweepGrid(['x=1..'])).startsWith('--set x=1..: expected a..b')).toBe(true);
    expect(message(() => parseSweepGrid(['x=1..4:0']))).toBe('--set x=1..4:0: expected a step >= 1 in a..b:step');
    expect(message(() => parseSweepGrid(['x=a,,b']))).toBe('--set x=a,,b: expected a list x,y,z with no empty item');
    expect(message(() => parseSweepGrid(['x=a,b,a']))).toBe('--set x=a,b,a: expected a list x,y,z with no value given twice');
  });

  it('missing = or a malformed path', () => {
    expect(message(() => parseSweepGrid(['pools.clerks.size']))).toBe('--set pools.clerks.size: expected PATH=VALUE, like pools.clerks.size=2..6');
    expect(message(() => parseSweepGrid(['pools..size=1..2']))).toMatch(/^--set pools\.\.size=1\.\.2: expected a field path/);
  });

  it('a field set twice when one of them is an axis', () => {
    expect(message(() => parseSweepGrid(['a=1..2', 'a=3']))).toBe('--set a=3: a is set twice (expected one --set per field in a sweep)');
    expect(message(() => parseSweepGrid(['a=3', 'a=1,2']))).toMatch(/a is set twice/);
    expect(parseSweepGrid(['a=3', 'a=4']).fixed).toEqual(['a=3', 'a=4']); // fixed twice: the last wins, as in `run`
  });

  it('a grid too large to run', () => {
    expect(message(() => parseSweepGrid(['a=1..100', 'b=1..100', 'c=1..2']))).toMatch(
      /the grid has 20000 cells \(a: 100 × b: 100 × c: 2\): expected at most 10000/,
    );
    expect(parseSweepGrid(['a=1..100', 'b=1..100'], { maxCells: 10_000 }).cells).toHaveLength(10_000);
  });

  it('an axis too long to list is refused before it is listed (1..10^12 used to fill the heap)', () => {
    expect(message(() => parseSweepGrid(['a=1..1000000000000'], { maxCells: Number.MAX_SAFE_INTEGER }))).toMatch(
      /--set a=1\.\.1000000000000.*expected at most 100,000 values on an axis \(this range has 1,000,000,000,000\)/,
    );
    expect(parseSweepGrid(['a=1..1000000000000:10000000'], { maxCells: Number.MAX_SAFE_INTEGER }).axes[0].raw).toHaveLength(100_000);
  });
});

describe('scenario errors attributed to the override that caused them', () => {
  const issues = [
    { file: 'office.yaml', line: 7, path: 'pools.clerks.size', message: 'expected a number >= 0, got -1' },
    { file: 'office.yaml', line: 9, path: 'pools.clerks.shifts[0].to', message: "expected 'to' to differ from 'from'" },
    { file: 'office.yaml', line: 20, path: 'processes.invoice.sla', message: 'expected a duration' },
  ];
  it('names the --set for issues at or under an overridden path, and the cell for others', () => {
    const out = attributeToOverrides(issues, ['horizon=30d', 'pools.clerks.size=-1', 'pools.clerks.shifts=[]'], 'the sweep cell pools.clerks.size=-1');
    expect(out[0]).toEqual({ file: '--set pools.clerks.size=-1', line: 0, path: 'pools.clerks.size', message: 'expected a number >= 0, got -1' });
    expect(out[1].file).toBe('--set pools.clerks.shifts=[]');
    expect(out[2]).toEqual({ ...issues[2], message: 'expected a duration (in the sweep cell pools.clerks.size=-1)' });
  });

  it('turns a ScenarioError into one with the attributed issues; other errors pass through', () => {
    const e = attributeError(new ScenarioError([issues[0]]), ['pools.clerks.size=-1']) as ScenarioError;
    expect(e.name).toBe('ScenarioError');
    expect(e.message).toBe('--set pools.clerks.size=-1: pools.clerks.size: expected a number >= 0, got -1');
    const other = new TypeError('bug');
    expect(attributeError(other, ['a=1'])).toBe(other);
  });
});
