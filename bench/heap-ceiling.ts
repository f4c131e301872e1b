/**
 * The ceiling reference: an M/M/c written as one loop over a bare binary heap
 * in typed arrays, with none of the engine's model (no process graph, no
 * pools, no policy, no statistics but a count and a sum). It is what a
 * JavaScript event loop on this machine can do at best, so the engine's speed
 * can be read as a share of it.
 *
 * Events are ordered by (time, seq) like `simulator/calendar.ts`; randomness is
 * the same SplitMix32 as `simulator/random.ts`, run as one sequential stream,
 * and exponentials are drawn the engine's way (`simulator/exponential.ts`, a
 * ziggurat), so the share of the ceiling measures the model, not the sampler.
 */
import { standardExponential } from '../simulator/exponential.js';

export interface CeilingOptions {
  /** arrivals per second */
  rate: number;
  /** mean service seconds */
  meanService: number;
  servers: number;
  /** simulated seconds */
  horizon: number;
  seed: number;
}

export interface CeilingResult {
  cases: number;
  events: number;
  seconds: number;
  meanWait: number;
}

const ARRIVAL = 0,
  DEPARTURE = 1;

export function runHeapCeiling(o: CeilingOptions): CeilingResult {
  let cap = 1024;
  let hTime = new Float64Array(cap);
  let hSeq = new Float64Array(cap);
  let hKind = new Uint8Array(cap);
  let n = 0;
  let seq = 0;

  const push = (time: number, kind: number): void => {
    if (n === cap) {
      cap *= 2;
      const t = new Float64Array(cap);
      t.set(hTime);
      hTime = t;
      const s = new Float64Array(cap);
      s.set(hSeq);
      hSeq = s;
      const k = new Uint8Array(cap);
      k.set(hKind);
      hKind = k;
    }
    const sq = seq++;
    let i = n++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (hTime[p] < time || (hTime[p] === time && hSeq[p] < sq)) break;
      hTime[i] = hTime[p];
      hSeq[i] = hSeq[p];
      hKind[i] = hKind[p];
      i = p;
    }
    hTime[i] = time;
    hSeq[i] = sq;
    hKind[i] = kind;
  };

  // the popped event
  let popTime = 0,
    popKind = 0;
  const pop = (): void => {
    popTime = hTime[0];
    popKind = hKind[0];
    const last = --n;
    if (last === 0) return;
    const t = hTime[last],
      s = hSeq[last],
      k = hKind[last];
    let i = 0;
    const half = n >> 1;
    while (i < half) {
      let c = 2 * i + 1;
      const r = c + 1;
      if (r < n && (hTime[r] < hTime[c] || (hTime[r] === hTime[c] && hSeq[r] < hSeq[c]))) c = r;
      if (t < hTime[c] || (t === hTime[c] && s < hSeq[c])) break;
      hTime[i] = hTime[c];
      hSeq[i] = hSeq[c];
      hKind[i] = hKind[c];
      i = c;
    }
    hTime[i] = t;
    hSeq[i] = s;
    hKind[i] = k;
  };

  // SplitMix32, as in simulator/random.ts, one sequential stream
  let state = o.seed | 0;
  const uniform = (): number => {
    state = (state + 0x9e3779b9) | 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    z ^= z >>> 16;
    return ((z >>> 0) + 0.5) / 4294967296;
  };
  const source = { next: uniform };
  const meanArrival = 1 / o.rate;

  // waiting customers: their arrival times, in a ring buffer
  let qCap = 1024;
  let queue = new Float64Array(qCap);
  let qHead = 0,
    qLen = 0;
  let idle = o.servers;
  let cases = 0,
    events = 0,
    waitSum = 0,
    served = 0;

  const started = performance.now();
  push(standardExponential(source) * meanArrival, ARRIVAL);
  while (n > 0 && hTime[0] <= o.horizon) {
    pop();
    events++;
    const now = popTime;
    if (popKind === ARRIVAL) {
      push(now + standardExponential(source) * meanArrival, ARRIVAL);
      if (idle > 0) {
        idle--;
        served++;
        push(now + standardExponential(source) * o.meanService, DEPARTURE);
      } else {
        if (qLen === qCap) {
          const bigger = new Float64Array(qCap * 2);
          for (let i = 0; i < qLen; i++) bigger[i] = queue[(qHead + i) % qCap];
          queue = bigger;
          qHead = 0;
          qCap *= 2;
        }
        queue[(qHead + qLen++) % qCap] = now;
      }
    } else {
      cases++;
      if (qLen > 0) {
        waitSum += now - queue[qHead];
        qHead = (qHead + 1) % qCap;
        qLen--;
        served++;
        push(now + standardExponential(source) * o.meanService, DEPARTURE);
      } else {
        idle++;
      }
    }
  }
  const seconds = (performance.now() - started) / 1000;
  return { cases, events, seconds, meanWait: served ? waitSum / served : 0 };
}
