import { describe, it, expect } from 'vitest';
import {
  offeredLoad,
  erlangB,
  erlangC,
  serviceLevel,
  averageSpeedOfAnswer,
  occupancy,
  agentsForServiceLevel,
  agentsForAsa,
  squareRootStaffing,
  halfinWhittBeta,
  halfinWhittPWait,
  normalCdf,
  meanWait,
  meanQueueLength,
  sojournWithin,
  agentsForSojournWithin,
} from '../../allocation/erlang-c.js';

/** Round to three significant digits, as published vectors are quoted. */
const sig3 = (x: number): number => Number(x.toPrecision(3));

/** Textbook Erlang C with powers and factorials (fine for small c): an independent check of the recursion. */
function naiveErlangC(c: number, a: number): number {
  let term = 1; // A^k / k!
  let sum = 0;
  for (let k = 0; k < c; k++) {
    sum += term;
    term *= a / (k + 1);
  }
  const top = term * (c / (c - a)); // A^c / c! · c / (c - A)
  return top / (sum + top);
}

// Published vector: 100 calls per 30 minutes, 180 s handling time, 14 agents, 20 s target.
const RATE = 100 / 1800;
const AHT = 180;
const A = offeredLoad(RATE, AHT);

describe('Erlang C: published vector (100 calls / 30 min, AHT 180 s, 14 agents, 20 s)', () => {
  it('offers 10 Erlangs', () => {
    expect(A).toBeCloseTo(10, 12);
  });

  it('gives P(wait) 0.174, service level 0.888, ASA 7.84 s, occupancy 0.714', () => {
    expect(sig3(erlangC(14, A))).toBe(0.174);
    expect(sig3(serviceLevel(14, A, AHT, 20))).toBe(0.888);
    expect(sig3(averageSpeedOfAnswer(14, A, AHT))).toBe(7.84);
    expect(sig3(occupancy(14, A))).toBe(0.714);
  });

  it('needs 14 agents for 80% in 20 s: 13 agents reach only 0.796, 14 reach 0.888', () => {
    // The smallest c with SL >= 0.8: SL(13) = 1 - 0.2853·e^(-3·20/180) = 0.7956 < 0.8 <= SL(14) = 0.8884.
    expect(serviceLevel(13, A, AHT, 20)).toBeLessThan(0.8);
    expect(serviceLevel(14, A, AHT, 20)).toBeGreaterThanOrEqual(0.8);
    expect(agentsForServiceLevel(A, AHT, 20, 0.8)).toBe(14);
  });

  it('needs 13 agents for an ASA of 20 s (ASA(12) = 40.4 s, ASA(13) = 17.1 s)', () => {
    expect(averageSpeedOfAnswer(12, A, AHT)).toBeGreaterThan(20);
    expect(averageSpeedOfAnswer(13, A, AHT)).toBeLessThanOrEqual(20);
    expect(agentsForAsa(A, AHT, 20)).toBe(13);
  });
});

describe('Erlang B', () => {
  it('matches table values: B(10 lines, 5 E) = 0.01838, B(5 lines, 2 E) = 0.0367', () => {
    expect(erlangB(10, 5)).toBeCloseTo(0.01838, 5);
    expect(erlangB(5, 2)).toBeCloseTo(0.0367, 4);
  });

  it('is 1 with no lines and 0 with no load', () => {
    expect(erlangB(0, 3)).toBe(1);
    expect(erlangB(4, 0)).toBe(0);
  });
});

describe('Erlang C against the factorial formula and limits', () => {
  it('agrees with the textbook formula for small c', () => {
    for (const a of [0.5, 2, 7.3, 10, 25]) {
      for (let c = Math.floor(a) + 1; c <= Math.floor(a) + 15; c++) {
        expect(erlangC(c, a)).toBeCloseTo(naiveErlangC(c, a), 12);
      }
    }
  });

  it('is 1 (and SL 0, ASA infinite) when c <= A', () => {
    expect(erlangC(10, 10)).toBe(1);
    expect(erlangC(5, 10)).toBe(1);
    expect(serviceLevel(10, 10, AHT, 20)).toBe(0);
    expect(averageSpeedOfAnswer(9, 10, AHT)).toBe(Infinity);
    expect(meanWait(10, RATE, AHT)).toBe(Infinity);
    expect(occupancy(5, 10)).toBe(1);
  });

  it('needs no agents for no load', () => {
    expect(agentsForServiceLevel(0, AHT, 20, 0.8)).toBe(0);
    expect(agentsForAsa(0, AHT, 20)).toBe(0);
    expect(erlangC(3, 0)).toBe(0);
  });

  it('rejects nonsense inputs with a clear error', () => {
    expect(() => erlangC(2.5, 1)).toThrow(/agents must be a non-negative integer/);
    expect(() => erlangB(3, -1)).toThrow(/offered load/);
    expect(() => agentsForServiceLevel(10, AHT, 20, 1)).toThrow(/target/);
    expect(() => halfinWhittBeta(0)).toThrow(/targetPWait/);
  });
});

describe('monotonicity', () => {
  it('service level rises and P(wait), ASA fall as agents are added', () => {
    for (const a of [0.3, 10, 42.5, 300]) {
      let sl = -Infinity;
      let pw = Infinity;
      let asa = Infinity;
      for (let c = Math.floor(a) + 1; c <= Math.floor(a) + 60; c++) {
        const s = serviceLevel(c, a, AHT, 20);
        const p = erlangC(c, a);
        const w = averageSpeedOfAnswer(c, a, AHT);
        expect(s).toBeGreaterThanOrEqual(sl);
        expect(p).toBeLessThanOrEqual(pw);
        expect(w).toBeLessThanOrEqual(asa);
        [sl, pw, asa] = [s, p, w];
      }
    }
  });

  it('staffing for a service level grows with the load and the target', () => {
    let previous = 0;
    for (const a of [1, 5, 10, 50, 100, 500]) {
      const c = agentsForServiceLevel(a, AHT, 20, 0.8);
      expect(c).toBeGreaterThan(a);
      expect(c).toBeGreaterThanOrEqual(previous);
      previous = c;
    }
    expect(agentsForServiceLevel(A, AHT, 20, 0.95)).toBeGreaterThanOrEqual(agentsForServiceLevel(A, AHT, 20, 0.8));
  });

  it('returns the smallest sufficient staffing level', () => {
    for (const [a, target] of [
      [3.7, 0.9],
      [10, 0.8],
      [120, 0.8],
      [800, 0.95],
    ] as const) {
      const c = agentsForServiceLevel(a, AHT, 20, target);
      expect(serviceLevel(c, a, AHT, 20)).toBeGreaterThanOrEqual(target);
      if (c - 1 > a) expect(serviceLevel(c - 1, a, AHT, 20)).toBeLessThan(target);
    }
  });
});

describe('stability at large loads', () => {
  it('handles A = 2000 without overflow', () => {
    // Ramanujan/Jagerman asymptotics: B(n, n) ≈ 1 / (√(πn/2) + 2/3).
    expect(erlangB(2000, 2000)).toBeCloseTo(1 / (Math.sqrt((Math.PI * 2000) / 2) + 2 / 3), 5);
    for (const c of [2001, 2020, 2050, 2100, 2200]) {
      const p = erlangC(c, 2000);
      expect(Number.isFinite(p)).toBe(true);
      expect(p).toBeGreaterThan(0);
      expect(p).toBeLessThan(1);
    }
    const c = agentsForServiceLevel(2000, AHT, 20, 0.8);
    expect(c).toBeGreaterThan(2000);
    expect(c).toBeLessThan(2100);
    expect(serviceLevel(c, 2000, AHT, 20)).toBeGreaterThanOrEqual(0.8);
    expect(serviceLevel(c - 1, 2000, AHT, 20)).toBeLessThan(0.8);
  });
});

describe('square-root staffing and Halfin–Whitt', () => {
  it('computes ⌈A + β√A⌉', () => {
    expect(squareRootStaffing(100, 1)).toBe(110);
    expect(squareRootStaffing(10, 0.5)).toBe(12);
    expect(squareRootStaffing(0, 2)).toBe(0);
  });

  it('uses a correct normal distribution', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1)).toBeCloseTo(0.8413447, 6);
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021, 6);
    expect(normalCdf(-1.96)).toBeCloseTo(0.0249979, 6);
  });

  it('inverts the Halfin–Whitt function by bisection', () => {
    expect(halfinWhittPWait(0)).toBe(1);
    for (const target of [0.9, 0.5, 0.2, 0.05, 0.001]) {
      const beta = halfinWhittBeta(target);
      expect(beta).toBeGreaterThan(0);
      expect(halfinWhittPWait(beta)).toBeCloseTo(target, 9);
    }
    expect(halfinWhittBeta(0.05)).toBeGreaterThan(halfinWhittBeta(0.2));
  });

  it('square-root staffing lands near the target P(wait) at large loads (QED regime)', () => {
    const beta = halfinWhittBeta(0.2);
    const c = squareRootStaffing(2000, beta);
    expect(erlangC(c, 2000)).toBeGreaterThan(0.18);
    expect(erlangC(c, 2000)).toBeLessThan(0.22);
  });
});

describe("mean wait and queue length (Little's law)", () => {
  it('Wq equals ASA and Lq = λ·Wq = C·A/(c - A)', () => {
    const wq = meanWait(14, RATE, AHT);
    expect(wq).toBeCloseTo(averageSpeedOfAnswer(14, A, AHT), 12);
    const lq = meanQueueLength(14, RATE, AHT);
    expect(lq).toBeCloseTo(RATE * wq, 12);
    expect(lq).toBeCloseTo((erlangC(14, A) * A) / (14 - A), 12);
    expect(meanQueueLength(10, RATE, AHT)).toBe(Infinity);
  });
});

describe('sojournWithin: P(wait + service <= t) of an M/M/c', () => {
  it('agrees with a Monte Carlo of the waiting-time law (Erlang C atom at 0, exponential tail) and the service', () => {
    // a seeded Park–Miller generator: independent of the project's random streams
    let s = 12345;
    const u = () => {
      s = (s * 16807) % 2147483647;
      return s / 2147483647;
    };
    for (const [c, a, aht, t] of [
      [5, 10 / 3, 1200, 3600],
      [7, 5, 600, 1800],
      [3, 2, 300, 300],
      [4, 3, 100, 50],
    ]) {
      const pWait = erlangC(c, a);
      const nu = (c - a) / aht;
      const n = 200_000;
      let ok = 0;
      for (let i = 0; i < n; i++) {
        const wait = u() < pWait ? -Math.log(u()) / nu : 0;
        if (wait - Math.log(u()) * aht <= t) ok++;
      }
      expect(Math.abs(sojournWithin(c, a, aht, t) - ok / n)).toBeLessThan(0.004);
    }
  });
  it('is 0 when unstable, and handles ν = μ (c − A = 1)', () => {
    expect(sojournWithin(3, 3, 60, 600)).toBe(0);
    const mu = 1 / 60,
      t = 120,
      pWait = erlangC(4, 3);
    expect(sojournWithin(4, 3, 60, t)).toBeCloseTo(1 - ((1 - pWait) * Math.exp(-mu * t) + pWait * (1 + mu * t) * Math.exp(-mu * t)), 12);
  });
  it('agentsForSojournWithin: the smallest c reaching the target', () => {
    const c = agentsForSojournWithin(5, 600, 1800, 0.9);
    expect(sojournWithin(c, 5, 600, 1800)).toBeGreaterThanOrEqual(0.9);
    expect(sojournWithin(c - 1, 5, 600, 1800)).toBeLessThan(0.9);
    expect(() => agentsForSojournWithin(5, 600, 60, 0.9)).toThrow(/service alone exceeds/);
  });
});
