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

export interface Standardizer { means: number[]; scales: number[] }

export function fitStandardizer(rows: readonly number[][]): Standardizer {
  const d = rows[0]?.length ?? 0;
  const means = new Array<number>(d).fill(0);
  const scales = new Array<number>(d).fill(0);
  for (const r of rows) for (let j = 0; j < d; j++) means[j]! += r[j]!;
  for (let j = 0; j < d; j++) means[j] = means[j]! / rows.length; // sum first: a constant column's mean is exact
  for (const r of rows) for (let j = 0; j < d; j++) scales[j]! += (r[j]! - means[j]!) ** 2 / rows.length;
  // A constant column gets scale 1 so it standardises to 0 and carries no weight.
  return { means, scales: scales.map((v) => (v > 1e-12 ? Math.sqrt(v) : 1)) };
}

export function standardize(s: Standardizer, row: readonly number[]): number[] {
  return row.map((v, j) => (v - s.means[j]!) / s.scales[j]!);
}

export interface LogisticFit { intercept: number; weights: number[]; iterations: number; converged: boolean }

/** Minimises Σ logloss + (l2/2)·‖w‖² over already-standardised rows. */
export function fitLogistic(x: readonly number[][], y: readonly (0 | 1)[], o: { l2: number; maxIterations?: number; tolerance?: number }): LogisticFit {
  const d = x[0]?.length ?? 0;
  const beta = new Array<number>(d + 1).fill(0); // beta[0] = intercept
  const maxIterations = o.maxIterations ?? 100;
  const tolerance = o.tolerance ?? 1e-9;
  const loss = (b: readonly number[]) => {
    let sum = 0;
    x.forEach((row, i) => {
      const z = linear(b, row);
      // log(1 + e^z) − y·z, computed stably.
      sum += (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - y[i]! * z;
    });
    for (let j = 1; j <= d; j++) sum += (o.l2 / 2) * b[j]! ** 2;
    return sum;
  };
  let current = loss(beta);
  for (let iter = 1; iter <= maxIterations; iter++) {
    const gradient = new Array<number>(d + 1).fill(0);
    const hessian = Array.from({ length: d + 1 }, () => new Array<number>(d + 1).fill(0));
    x.forEach((row, i) => {
      const p = sigmoid(linear(beta, row));
      const w = Math.max(p * (1 - p), 1e-12);
      const r = p - y[i]!;
      for (let a = 0; a <= d; a++) {
        const xa = a === 0 ? 1 : row[a - 1]!;
        gradient[a]! += r * xa;
        for (let b = 0; b <= a; b++) hessian[a]![b]! += w * xa * (b === 0 ? 1 : row[b - 1]!);
      }
    });
    for (let a = 0; a <= d; a++) for (let b = 0; b < a; b++) hessian[b]![a] = hessian[a]![b]!;
    for (let j = 1; j <= d; j++) { gradient[j]! += o.l2 * beta[j]!; hessian[j]![j]! += o.l2; }
    hessian[0]![0]! += 1e-9; // keeps the system solvable when one class is (nearly) absent
    const step = solve(hessian, gradient);
    // Backtracking: halve the Newton step until the penalised loss does not increase.
    let t = 1;
    let next = beta.map((v, j) => v - step[j]!);
    let nextLoss = loss(next);
    while (nextLoss > current && t > 1e-6) {
      t /= 2;
      next = beta.map((v, j) => v - t * step[j]!);
      nextLoss = loss(next);
    }
    const change = Math.max(...step.map((s) => Math.abs(t * s)));
    if (nextLoss <= current) { for (let j = 0; j <= d; j++) beta[j] = next[j]!; current = nextLoss; }
    if (change < tolerance || nextLoss > current) return { intercept: beta[0]!, weights: beta.slice(1), iterations: iter, converged: change < tolerance };
  }
  return { intercept: beta[0]!, weights: beta.slice(1), iterations: maxIterations, converged: false };
}

export function predictLogit(fit: LogisticFit, row: readonly number[]): number {
  let z = fit.intercept;
  for (let j = 0; j < fit.weights.length; j++) z += fit.weights[j]! * row[j]!;
  return z;
}

function linear(b: readonly number[], row: readonly number[]): number {
  let z = b[0]!;
  for (let j = 0; j < row.length; j++) z += b[j + 1]! * row[j]!;
  return z;
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
