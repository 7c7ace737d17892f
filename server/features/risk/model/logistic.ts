/**
 * L2-regularised logistic regression fitted by Newton's method (IRLS) with backtracking: deterministic,
 * no learning rate to tune, and converges in a handful of steps for the few dozen features we use.
 * Features are standardised first so one penalty fits all; the intercept is not penalised.
 */

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

export function logit(p: number, eps = 1e-6): number {
  const q = Math.min(1 - eps, Math.max(eps, p));
  return Math.log(q / (1 - q));
}

export interface Standardizer {
  means: number[];
  scales: number[];
}

/**
 * Rows [from, to) of a row-major matrix with `cols` columns in one Float64Array: the model's training rows
 * (a company's history is tens of thousands of rows × 15 features) without an array per row.
 */
export interface Rows {
  data: Float64Array;
  cols: number;
  from: number;
  to: number;
}

export function packRows(rows: readonly number[][]): Rows {
  const cols = rows[0]?.length ?? 0;
  const data = new Float64Array(rows.length * cols);
  rows.forEach((r, i) => {
    for (let j = 0; j < cols; j++) data[i * cols + j] = r[j]!;
  });
  return { data, cols, from: 0, to: rows.length };
}

export function fitStandardizer(x: Rows): Standardizer {
  const { data, cols: d, from, to } = x;
  const n = to - from;
  const means = new Array<number>(d).fill(0);
  const scales = new Array<number>(d).fill(0);
  for (let i = from; i < to; i++) for (let j = 0; j < d; j++) means[j]! += data[i * d + j]!;
  for (let j = 0; j < d; j++) means[j] = means[j]! / n; // sum first: a constant column's mean is exact
  for (let i = from; i < to; i++) for (let j = 0; j < d; j++) scales[j]! += (data[i * d + j]! - means[j]!) ** 2 / n;
  // A constant column gets scale 1 so it standardises to 0 and carries no weight.
  return { means, scales: scales.map((v) => (v > 1e-12 ? Math.sqrt(v) : 1)) };
}

/** The regression's design matrix for rows: a leading 1 (the intercept), then each value standardised. */
export function designMatrix(x: Rows, s?: Standardizer): Float64Array {
  const { data, cols: d, from, to } = x;
  const dim = d + 1;
  const packed = new Float64Array((to - from) * dim);
  for (let i = from; i < to; i++) {
    const base = (i - from) * dim;
    packed[base] = 1;
    for (let j = 0; j < d; j++)
      packed[base + j + 1] = s ? (data[i * d + j]! - s.means[j]!) / s.scales[j]! : data[i * d + j]!;
  }
  return packed;
}

export interface LogisticFit {
  intercept: number;
  weights: number[];
  iterations: number;
  converged: boolean;
}
export interface LogisticOptions {
  l2: number;
  maxIterations?: number;
  /** Converged once the Newton decrement (the loss reduction the next full step predicts) is below this. */
  tolerance?: number;
  start?: LogisticFit;
}

/**
 * Minimises Σ logloss + (l2/2)·‖w‖² on a design matrix (designMatrix: n rows of `dim` values, the first 1,
 * the rest already standardised). The inner loops run over one Float64Array: arrays of arrays would be
 * chased through memory on every Newton step.
 */
export function fitLogistic(
  packed: Float64Array,
  n: number,
  dim: number,
  y: ArrayLike<number>,
  o: LogisticOptions,
): LogisticFit {
  const d = dim - 1;
  const beta = new Float64Array(dim); // beta[0] = intercept
  // A warm start (the same model fitted on most of these rows) converges in a couple of Newton steps.
  if (o.start && o.start.weights.length === d) {
    beta[0] = o.start.intercept;
    for (let j = 0; j < d; j++) beta[j + 1] = o.start.weights[j]!;
  }
  const maxIterations = o.maxIterations ?? 50;
  // In loss units (summed over rows). Below it Newton's method is deep in its quadratic phase: the full step
  // taken then leaves the coefficients within ~1e-8 of the optimum, and one more step would only confirm it.
  const tolerance = o.tolerance ?? 1e-5;
  const z = new Float64Array(n);
  // exp(−|z|) per row, kept from the loss for the next step's probabilities: σ(z) = 1/(1+e) for z >= 0 and
  // e/(1+e) below, the same values sigmoid() computes, with one exp per row instead of two.
  const ez = new Float64Array(n);
  const loss = (b: Float64Array) => {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      let zi = 0;
      const base = i * dim;
      for (let j = 0; j < dim; j++) zi += b[j]! * packed[base + j]!;
      z[i] = zi;
      const e = Math.exp(-Math.abs(zi));
      ez[i] = e;
      sum += (zi > 0 ? zi + Math.log1p(e) : Math.log1p(e)) - y[i]! * zi;
    }
    for (let j = 1; j < dim; j++) sum += (o.l2 / 2) * b[j]! ** 2;
    return sum;
  };
  let current = loss(beta);
  for (let iter = 1; iter <= maxIterations; iter++) {
    const gradient = new Float64Array(dim);
    const hessian = new Float64Array(dim * dim);
    for (let i = 0; i < n; i++) {
      // z and ez hold the linear predictor at beta from the last loss evaluation
      const e = ez[i]!;
      const p = z[i]! >= 0 ? 1 / (1 + e) : e / (1 + e);
      const w = Math.max(p * (1 - p), 1e-12);
      const r = p - y[i]!;
      const base = i * dim;
      for (let a = 0; a < dim; a++) {
        const xa = packed[base + a]!;
        gradient[a]! += r * xa;
        const wxa = w * xa;
        const rowA = a * dim;
        for (let b = 0; b <= a; b++) hessian[rowA + b]! += wxa * packed[base + b]!;
      }
    }
    const h: number[][] = [];
    for (let a = 0; a < dim; a++) {
      h.push([]);
      for (let b = 0; b < dim; b++) h[a]!.push(b <= a ? hessian[a * dim + b]! : hessian[b * dim + a]!);
    }
    const g = Array.from(gradient);
    for (let j = 1; j < dim; j++) {
      g[j]! += o.l2 * beta[j]!;
      h[j]![j]! += o.l2;
    }
    h[0]![0]! += 1e-9; // keeps the system solvable when one class is (nearly) absent
    const step = solve(h, g);
    const decrement = g.reduce((sum, gj, j) => sum + gj * step[j]!, 0) / 2;
    if (decrement < tolerance) {
      for (let j = 0; j < dim; j++) beta[j]! -= step[j]!;
      return { intercept: beta[0]!, weights: Array.from(beta.slice(1)), iterations: iter, converged: true };
    }
    let t = 1;
    const next = new Float64Array(dim);
    for (let j = 0; j < dim; j++) next[j] = beta[j]! - step[j]!;
    let nextLoss = loss(next);
    while (nextLoss > current && t > 1e-6) {
      t /= 2;
      for (let j = 0; j < dim; j++) next[j] = beta[j]! - t * step[j]!;
      nextLoss = loss(next);
    }
    // No step along Newton's direction lowers the loss: rounding has the last word; beta is as good as it gets.
    if (nextLoss > current)
      return { intercept: beta[0]!, weights: Array.from(beta.slice(1)), iterations: iter, converged: false };
    beta.set(next);
    current = nextLoss;
  }
  return { intercept: beta[0]!, weights: Array.from(beta.slice(1)), iterations: maxIterations, converged: false };
}

/** Gaussian elimination with partial pivoting (the systems are tiny and positive definite). */
function solve(matrix: readonly number[][], rhs: readonly number[]): number[] {
  const n = rhs.length;
  const a = matrix.map((row, i) => [...row, rhs[i]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    const p = a[col]![col]!;
    if (Math.abs(p) < 1e-300) continue;
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = a[r]![col]! / p;
      if (f !== 0) for (let c = col; c <= n; c++) a[r]![c]! -= f * a[col]![c]!;
    }
  }
  return a.map((row, i) => (Math.abs(row[i]!) < 1e-300 ? 0 : row[n]! / row[i]!));
}
