/**
 * Gaussian expectations by Gauss-Hermite quadrature, for the mean-field estimate.
 * One input: E[f(z)], z ~ N(mean, variance). Two inputs (the same unit seen by two examples of a
 * batch): E[f(z1) g(z2)] with a shared covariance.
 */

interface Rule {
  /** Standard-normal abscissae. */
  points: number[];
  /** Probability weights (sum to 1). */
  weights: number[];
}

// Even, so no node sits exactly on the kink of relu at 0.
const ORDER = 60;
let cached: Rule | null = null;

/**
 * A function of one number, as the estimate integrates it. `many`, when set, writes f(xs[i]) to
 * out[i] for i < n in one call: the same values, without boxing each argument and result as a call
 * through a function value does (the quadratures below evaluate thousands of points per layer).
 * An integrand must not itself take an expectation: the quadratures reuse their arrays.
 */
export type Integrand = ((z: number) => number) & { many?: Many };
export type Many = (xs: Float64Array, out: Float64Array, n: number) => void;

/** `f` with its array form (the two must compute the same expression). */
export function withMany(f: (z: number) => number, many: Many): Integrand {
  return Object.assign(f, { many });
}

/** out[i] = f(xs[i]) for i < n, by `f.many` when it has one. */
export function evaluate(f: Integrand, xs: Float64Array, out: Float64Array, n: number): void {
  if (f.many) f.many(xs, out, n);
  else for (let i = 0; i < n; i++) out[i] = f(xs[i]);
}

/** Arrays of at least `n` numbers, kept by their owner and grown as needed (never shrunk). */
export class Scratch {
  private arrays: Float64Array[] = [];

  constructor(private readonly count: number) {}

  get(n: number): Float64Array[] {
    if (this.arrays.length === 0 || this.arrays[0].length < n)
      this.arrays = Array.from({ length: this.count }, () => new Float64Array(n));
    return this.arrays;
  }
}

/** f squared (its array form too), made once per function. */
export function squared(f: Integrand): Integrand {
  let made = squares.get(f);
  if (!made) {
    made = withMany(
      (z) => f(z) ** 2,
      (xs, out, n) => {
        evaluate(f, xs, out, n);
        for (let i = 0; i < n; i++) out[i] = out[i] ** 2;
      },
    );
    squares.set(f, made);
  }
  return made;
}

const squares = new WeakMap<Integrand, Integrand>();

const expect1Scratch = new Scratch(2);

export function expect1(f: Integrand, mean: number, variance: number): number {
  const { points, weights } = rule();
  const sd = Math.sqrt(Math.max(variance, 0));
  const [xs, fs] = expect1Scratch.get(points.length);
  for (let i = 0; i < points.length; i++) xs[i] = mean + sd * points[i];
  evaluate(f, xs, fs, points.length);
  let sum = 0;
  for (let i = 0; i < points.length; i++) sum += weights[i] * fs[i];
  return sum;
}

/**
 * E[f(z1) g(z2)] where z1, z2 ~ N(mean, variance) each, with covariance `covariance`.
 * Written as z = mean + sqrt(c) u + sqrt(variance - c) e, with u shared: that keeps the integrand
 * smooth in each variable when the correlation is close to 1 (deep saturated nets).
 */
export function expect2(
  f: Integrand,
  g: Integrand,
  mean: number,
  variance: number,
  covariance: number,
): number {
  if (expectations.capacity === 0) expectations = new ExpectationTable(MAX_REMEMBERED);
  const fid = functionId(f);
  const gid = functionId(g);
  let value = expectations.get(fid, gid, mean, variance, covariance);
  if (value === undefined) {
    value = quadrature2(f, g, mean, variance, covariance);
    expectations.set(fid, gid, mean, variance, covariance, value);
  }
  return value;
}

const functionIds = new WeakMap<object, number>();
let nextFunctionId = 0;

function functionId(f: object): number {
  let id = functionIds.get(f);
  if (id === undefined) functionIds.set(f, (id = nextFunctionId++));
  return id;
}

/**
 * Remembered E[f g] by (f, g, mean, variance, covariance), in flat typed arrays: a lookup
 * allocates nothing (a string key of three numbers cost more garbage than the sums it saved).
 * Open addressing; when it is half full it starts empty again. Zero and minus zero are one key (as
 * they were as strings); NaN is never remembered.
 */
class ExpectationTable {
  private readonly slots: number;
  private readonly keys: Float64Array;
  private readonly ids: Int32Array;
  private readonly values: Float64Array;
  private size = 0;

  /** `capacity` 0: a placeholder until the first expectation (a run may estimate nothing). */
  constructor(readonly capacity: number) {
    this.slots = capacity > 0 ? 1 << Math.ceil(Math.log2(capacity * 2)) : 1;
    this.keys = new Float64Array(this.slots * 3);
    this.ids = new Int32Array(this.slots * 2).fill(-1);
    this.values = new Float64Array(this.slots);
  }

  get(f: number, g: number, a: number, b: number, c: number): number | undefined {
    const slot = this.find(f, g, a + 0, b + 0, c + 0);
    return this.ids[2 * slot] === -1 ? undefined : this.values[slot];
  }

  set(f: number, g: number, a: number, b: number, c: number, value: number): void {
    if (Number.isNaN(a) || Number.isNaN(b) || Number.isNaN(c)) return;
    if (this.size >= this.capacity) this.clear();
    const slot = this.find(f, g, a + 0, b + 0, c + 0);
    if (this.ids[2 * slot] === -1) this.size++;
    this.ids[2 * slot] = f;
    this.ids[2 * slot + 1] = g;
    this.keys[3 * slot] = a + 0;
    this.keys[3 * slot + 1] = b + 0;
    this.keys[3 * slot + 2] = c + 0;
    this.values[slot] = value;
  }

  private clear(): void {
    this.ids.fill(-1);
    this.size = 0;
  }

  /** The key's slot, or the empty slot where it would go. */
  private find(f: number, g: number, a: number, b: number, c: number): number {
    const mask = this.slots - 1;
    let slot = (Math.imul(f, 0x9e3779b1) ^ Math.imul(g, 0x85ebca6b) ^ hashNumber(a)) >>> 0;
    slot = (Math.imul(slot ^ hashNumber(b), 0xc2b2ae35) ^ hashNumber(c)) & mask;
    for (;;) {
      const id = this.ids[2 * slot];
      if (id === -1) return slot;
      if (
        id === f &&
        this.ids[2 * slot + 1] === g &&
        this.keys[3 * slot] === a &&
        this.keys[3 * slot + 1] === b &&
        this.keys[3 * slot + 2] === c
      )
        return slot;
      slot = (slot + 1) & mask;
    }
  }
}

const bits = new Float64Array(1);
const words = new Int32Array(bits.buffer);

function hashNumber(x: number): number {
  bits[0] = x;
  return Math.imul(words[0] ^ Math.imul(words[1], 0x27d4eb2d), 0x165667b1);
}

/**
 * Models share layers (the same activation at the same scale, layer after layer, file after
 * file), and a rule's what-if estimates repeat the model's own: remembered expectations save the
 * 3,600-point sums and the garbage their calls leave.
 */
let expectations = new ExpectationTable(0);
const MAX_REMEMBERED = 50_000;

const quadratureScratch = new Scratch(3);

function quadrature2(
  f: Integrand,
  g: Integrand,
  mean: number,
  variance: number,
  covariance: number,
): number {
  const { points, weights } = rule();
  const n = points.length;
  const shared = Math.sqrt(Math.min(Math.max(covariance, 0), Math.max(variance, 0)));
  const own = Math.sqrt(Math.max(variance - shared * shared, 0));
  // Every point of the grid at once, so f and g each run once over all n * n of them.
  const [xs, fs, gs] = quadratureScratch.get(n * n);
  for (let i = 0; i < n; i++) {
    const centre = mean + shared * points[i];
    for (let j = 0; j < n; j++) xs[i * n + j] = centre + own * points[j];
  }
  evaluate(f, xs, fs, n * n);
  // Every caller asks for E[f(z1) f(z2)]: the same sum twice is one sum (3,600 calls saved).
  if (g !== f) evaluate(g, xs, gs, n * n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const fi = inner(fs, i * n, weights);
    const gi = g === f ? fi : inner(gs, i * n, weights);
    sum += weights[i] * fi * gi;
  }
  // Negative covariances (rare: anti-correlated examples) are treated as independent.
  return sum;
}

/** E[f(centre + own e)], e ~ N(0, 1), from f's values at the rule's nodes (from `start` on). */
function inner(values: Float64Array, start: number, weights: number[]): number {
  let sum = 0;
  for (let j = 0; j < weights.length; j++) sum += weights[j] * values[start + j];
  return sum;
}

/** Nodes and weights for the probabilists' weight exp(-x^2/2), normalised to a probability. */
export function rule(): Rule {
  if (cached) return cached;
  const roots = hermiteRoots(ORDER);
  const points: number[] = [];
  const weights: number[] = [];
  for (const x of roots) {
    const { derivative } = orthonormalHermite(ORDER, x);
    // Physicists' weight on x maps to the standard normal on sqrt(2) x; 2 / p'^2 / sqrt(pi) normalises.
    points.push(Math.SQRT2 * x);
    weights.push(2 / (derivative * derivative) / Math.sqrt(Math.PI));
  }
  cached = { points, weights };
  return cached;
}

/** Orthonormal physicists' Hermite function value p_n(x) and its derivative, by the stable recurrence. */
function orthonormalHermite(n: number, x: number): { value: number; derivative: number } {
  let previous = 0;
  let current = Math.PI ** -0.25;
  for (let j = 1; j <= n; j++) {
    const next = Math.sqrt(2 / j) * x * current - Math.sqrt((j - 1) / j) * previous;
    previous = current;
    current = next;
  }
  return { value: current, derivative: Math.sqrt(2 * n) * previous };
}

/** All n roots, found by scanning for sign changes and bisecting (the roots are simple and real). */
function hermiteRoots(n: number): number[] {
  const limit = Math.sqrt(2 * n + 1) + 1;
  // Roots of H_60 are at least ~0.2 apart: a 0.01 grid cannot step over two at once.
  const step = 1e-2;
  const roots: number[] = [];
  let a = -limit;
  let fa = orthonormalHermite(n, a).value;
  for (let b = a + step; b <= limit; b += step) {
    const fb = orthonormalHermite(n, b).value;
    if (fa === 0 || fa * fb < 0) roots.push(bisect(n, a, b));
    a = b;
    fa = fb;
  }
  if (roots.length !== n) throw new Error(`Gauss-Hermite: found ${roots.length} of ${n} roots`);
  return roots;
}

function bisect(n: number, lo: number, hi: number): number {
  let flo = orthonormalHermite(n, lo).value;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    const fmid = orthonormalHermite(n, mid).value;
    if (flo * fmid <= 0) hi = mid;
    else {
      lo = mid;
      flo = fmid;
    }
  }
  return (lo + hi) / 2;
}

/** Abramowitz-Stegun 7.1.26 is too coarse for gelu's derivative; this series/continued form is accurate to ~1e-12. */
export function erf(x: number): number {
  const t = Math.abs(x);
  if (t > 6) return Math.sign(x);
  // Maclaurin series converges quickly for |x| <= 3; beyond, use the complementary continued fraction.
  if (t <= 3) {
    let term = x;
    let sum = x;
    for (let n = 1; n < 200; n++) {
      term *= (-x * x) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17) break;
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  let fraction = 0;
  for (let k = 60; k >= 1; k--) fraction = k / 2 / (t + fraction);
  const erfc = Math.exp(-t * t) / Math.sqrt(Math.PI) / (t + fraction);
  return Math.sign(x) * (1 - erfc);
}

/** Standard normal cumulative distribution. */
export function normalCdf(x: number): number {
  return 0.5 * (1 + erf(x / Math.SQRT2));
}

const maxRules = new Map<number, Rule>();

/**
 * Nodes and weights for M = the largest of `count` independent N(0,1) draws, on a fine grid
 * (its density count * phi(x) * Phi(x)^(count - 1) is smooth and unimodal).
 */
function maxRule(count: number): Rule {
  const cached = maxRules.get(count);
  if (cached) return cached;
  const points: number[] = [];
  const weights: number[] = [];
  const steps = 600;
  const lo = -6;
  const hi = 9;
  let total = 0;
  for (let i = 0; i <= steps; i++) {
    const x = lo + ((hi - lo) * i) / steps;
    const density =
      ((count * Math.exp((-x * x) / 2)) / Math.sqrt(2 * Math.PI)) * normalCdf(x) ** (count - 1);
    points.push(x);
    weights.push(density);
    total += density;
  }
  const rule = { points, weights: weights.map((w) => w / total) };
  maxRules.set(count, rule);
  return rule;
}

/**
 * Expectations for the max over `count` positions of one unit, whose pre-activations share a
 * covariance with each other and with other examples: X = mean + sqrt(c) u + sqrt(q - c) M.
 * `own` = E[h(X)]; `cross` = E[h(X_b) h(X_b')] for two examples (shared u, independent maxima);
 * the same for h squared in one pass (every caller wants both).
 */
export function expectMax(
  h: Integrand,
  mean: number,
  variance: number,
  covariance: number,
  count: number,
): MaxMoments {
  const key = [mean, variance, covariance, count]
    .map((n) => (Object.is(n, -0) ? '-0' : String(n)))
    .join(',');
  let known = maxMoments.get(h);
  if (!known) maxMoments.set(h, (known = new Map()));
  let moments = known.get(key);
  if (!moments) {
    moments = integrateMax(h, mean, variance, covariance, count);
    if (known.size >= 256) known.clear();
    known.set(key, moments);
  }
  return moments;
}

export interface MaxMoments {
  /** E[h(X)] and E[h(X_b) h(X_b')]. */
  values: { own: number; cross: number };
  /** The same for h squared. */
  squares: { own: number; cross: number };
}

/**
 * By function and state: a 601-point inner rule per outer point made max pooling most of an
 * estimate (VGG), and an editor re-lints the same model on every keystroke.
 */
const maxMoments = new WeakMap<(z: number) => number, Map<string, MaxMoments>>();

const maxScratch = new Scratch(2);

function integrateMax(
  h: Integrand,
  mean: number,
  variance: number,
  covariance: number,
  count: number,
): MaxMoments {
  const outer = rule();
  const inner = maxRule(Math.max(1, Math.round(count)));
  const shared = Math.sqrt(Math.min(Math.max(covariance, 0), Math.max(variance, 0)));
  const own = Math.sqrt(Math.max(variance - shared * shared, 0));
  const values = { own: 0, cross: 0 };
  const squares = { own: 0, cross: 0 };
  const n = inner.points.length;
  const [xs, hs] = maxScratch.get(n);
  for (let i = 0; i < outer.points.length; i++) {
    const centre = mean + shared * outer.points[i];
    for (let j = 0; j < n; j++) xs[j] = centre + own * inner.points[j];
    evaluate(h, xs, hs, n);
    let value = 0;
    let square = 0;
    for (let j = 0; j < n; j++) {
      const at = hs[j];
      value += inner.weights[j] * at;
      square += inner.weights[j] * at ** 2;
    }
    values.own += outer.weights[i] * value;
    values.cross += outer.weights[i] * value * value;
    squares.own += outer.weights[i] * square;
    squares.cross += outer.weights[i] * square * square;
  }
  return { values, squares };
}
