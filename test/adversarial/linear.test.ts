import { describe, expect, it } from 'vitest';
import { apgd, topWrongClasses } from '../../attacks/adversarial/apgd.js';
import { autoAttackLite } from '../../attacks/adversarial/autoattack-lite.js';
import { fgsm } from '../../attacks/adversarial/fgsm.js';
import { predictions } from '../../attacks/adversarial/margin.js';
import { pgd } from '../../attacks/adversarial/pgd.js';
import type { Box } from '../../attacks/adversarial/project.js';
import { squareLinf } from '../../attacks/adversarial/square.js';
import type { LossSpec } from '../../src/models/types.js';
import { Rng } from '../../src/random.js';
import { LinearModel, lossAndDz } from './linear-model.js';

/**
 * Exact references from a linear model z = W·x + b. Sample i (label y = its own prediction) is
 * misclassified at x + δ iff z_j(x+δ) > z_y(x+δ) for some j, a half-space per j, so without box
 * constraints the smallest breaking budget is min_j (z_y − z_j) / ‖w_y − w_j‖_q with q the dual norm
 * (ℓ1 for an L∞ budget, ℓ2 for L2). For two classes the best attack moves straight along
 * sign(w_o − w_y) (L∞) or (w_o − w_y)/‖·‖₂ (L2), which FGSM/PGD/APGD reach exactly.
 */
const SHAPE = [1, 4, 4];
const D = 16;
const N = 300;
const FREE: Box = { lower: () => -Infinity, upper: () => Infinity };

function setup(K: number, seed: number) {
  const model = LinearModel.random(seed, K, SHAPE);
  const rng = new Rng(seed + 1);
  const x = { data: Float32Array.from({ length: N * D }, () => rng.uniform(0.3, 0.7)), shape: [N, ...SHAPE] };
  return { model, x };
}

/** Smallest breaking budget per sample under L∞ (dual ℓ1) or L2 (dual ℓ2). */
function minimalEps(model: LinearModel, x: Float32Array, labels: Int32Array, dual: 'l1' | 'l2'): Float64Array {
  const K = model.b.length;
  const out = new Float64Array(labels.length).fill(Infinity);
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    for (let j = 0; j < K; j++) {
      if (j === y) continue;
      let m = model.b[y] - model.b[j];
      let nrm = 0;
      for (let d = 0; d < D; d++) {
        const w = model.W[y * D + d] - model.W[j * D + d];
        m += w * x[i * D + d];
        nrm += dual === 'l1' ? Math.abs(w) : w * w;
      }
      out[i] = Math.min(out[i], m / (dual === 'l1' ? nrm : Math.sqrt(nrm)));
    }
  }
  return out;
}

/** Compare success with the exact answer, skipping samples within 2% of their threshold (float32 steps). */
function checkExact(success: Uint8Array, eps: number, star: Float64Array): number {
  let compared = 0;
  for (let i = 0; i < star.length; i++) {
    if (Math.abs(eps / star[i] - 1) < 0.02) continue;
    expect(success[i], `sample ${i}: ε=${eps}, minimal ε=${star[i]}`).toBe(eps > star[i] ? 1 : 0);
    compared++;
  }
  return compared;
}

describe('the pure-JS reference model', () => {
  it('has loss gradients d loss/d z that match central differences for every LossSpec', () => {
    const rng = new Rng(7);
    const K = 6;
    for (let trial = 0; trial < 20; trial++) {
      const z = Float64Array.from({ length: K }, () => rng.normal(0, 3));
      const y = Int32Array.of(rng.int(K));
      const t = Int32Array.of((y[0] + 1 + rng.int(K - 1)) % K);
      const specs: LossSpec[] = [
        { loss: 'ce', labels: y },
        { loss: 'targeted_ce', targets: t },
        { loss: 'margin', labels: y },
        { loss: 'dlr', labels: y },
        { loss: 'dlr_targeted', labels: y, targets: t },
        { loss: 'cotangent', cotangent: Float32Array.from({ length: K }, () => rng.normal()) },
      ];
      for (const spec of specs) {
        const { dz } = lossAndDz(z, spec, 0, K);
        for (let k = 0; k < K; k++) {
          const h = 1e-6;
          const up = z.slice();
          const dn = z.slice();
          up[k] += h;
          dn[k] -= h;
          const fd = (lossAndDz(up, spec, 0, K).value - lossAndDz(dn, spec, 0, K).value) / (2 * h);
          expect(Math.abs(dz[k] - fd), `${spec.loss} trial ${trial} k ${k}`).toBeLessThan(1e-5 * (1 + Math.abs(fd)));
        }
      }
    }
  });
});

describe('attacks on a two-class linear model reach the exact minimal budget', () => {
  const { model, x } = setup(2, 11);
  const labelsP = model.predict(x).then((z) => predictions(z, 2));

  it('FGSM, PGD L∞ and APGD-CE break exactly the samples whose minimal L∞ budget is below ε', async () => {
    const labels = await labelsP;
    const star = minimalEps(model, x.data, labels, 'l1');
    const sorted = [...star].sort((a, b) => a - b);
    const eps = [0.25, 0.5, 0.75].map((q) => sorted[Math.floor(q * N)] * 1.001);
    let compared = 0;
    const runs = [
      await fgsm(model, x, labels, { eps, box: FREE }),
      await pgd(model, x, labels, { eps, steps: 10, box: FREE }),
      await pgd(model, x, labels, { eps, steps: 10, box: FREE, loss: 'margin' }),
      await apgd(model, x, labels, { eps, steps: 20, box: FREE, seed: 3 }),
    ];
    for (const run of runs) {
      run.results.forEach((r, k) => {
        compared += checkExact(r.success, eps[k], star);
        // The final iterate is the optimal vertex x + ε·sign(w_o − w_y).
        if (run.attack !== 'apgd_ce') {
          for (let i = 0; i < N; i++) {
            const y = labels[i];
            for (let d = 0; d < D; d++) {
              const s = Math.sign(model.W[(1 - y) * D + d] - model.W[y * D + d]);
              expect(Math.abs(r.final.data[i * D + d] - (x.data[i * D + d] + s * eps[k]))).toBeLessThan(1e-6);
            }
          }
        }
      });
    }
    expect(compared).toBeGreaterThan(0.9 * N * 3 * runs.length);
  });

  it('PGD L2 breaks exactly the samples whose minimal L2 budget is below ε', async () => {
    const labels = await labelsP;
    const star = minimalEps(model, x.data, labels, 'l2');
    const sorted = [...star].sort((a, b) => a - b);
    const eps = [0.25, 0.5, 0.75].map((q) => sorted[Math.floor(q * N)] * 1.001);
    const run = await pgd(model, x, labels, { eps, norm: 'l2', steps: 10, box: FREE });
    let compared = 0;
    run.results.forEach((r, k) => (compared += checkExact(r.success, eps[k], star)));
    expect(compared).toBeGreaterThan(0.9 * N * 3);
  });
});

describe('attacks on a ten-class linear model never beat the exact minimal budget', () => {
  it('no sample breaks below its minimal L∞ budget, for every attack (soundness of projections)', async () => {
    const { model, x } = setup(10, 21);
    const labels = predictions(await model.predict(x), 10);
    const star = minimalEps(model, x.data, labels, 'l1');
    const eps = [[...star].sort((a, b) => a - b)[Math.floor(N / 2)]];
    const runs = [
      await fgsm(model, x, labels, { eps, box: FREE }),
      await pgd(model, x, labels, { eps, steps: 20, box: FREE, restarts: 2, seed: 1 }),
      await apgd(model, x, labels, { eps, steps: 20, box: FREE, loss: 'dlr', seed: 2 }),
      await squareLinf(model, x, labels, { eps, queries: 200, seed: 4 }),
      await apgd(model, x, labels, { eps, steps: 20, box: FREE, loss: 'dlr_targeted', targets: topWrongClasses(await model.predict(x), labels, 10, 1)[0], seed: 5 }),
      await autoAttackLite(model, x, labels, { eps, steps: 10, squareQueries: 50, seed: 6, box: FREE }),
    ];
    for (const run of runs) {
      const r = run.results[0];
      let broken = 0;
      for (let i = 0; i < N; i++) {
        if (r.success[i]) {
          broken++;
          expect(star[i], `${run.attack} broke sample ${i} below its minimal budget`).toBeLessThanOrEqual(eps[0] * (1 + 1e-5));
        }
      }
      // and each attack finds a good share of the breakable half
      expect(broken, run.attack).toBeGreaterThan(0.3 * N);
    }
  });
});
