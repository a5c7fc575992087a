import type { Finding } from '../../src/runner/probe.js';

export interface AttackSummary {
  attack: string;
  key: string;
  eps: number;
  robustAccuracy: number;
}

export interface MaskingInput {
  summaries: AttackSummary[];
  cleanAccuracy: number;
  unboundedAccuracy: number | null;
  zeroGradientFraction: number | null;
  nanGradientFraction: number | null;
  probabilityOutputs: boolean;
}

/** Iterative L∞ gradient attacks: with many steps they should do at least as well as one FGSM step at the same ε. */
const ITERATIVE_LINF = ['pgd_linf', 'apgd_ce', 'apgd_dlr_t', 'autoattack_lite'];

/** Tolerances: a flag needs more than sampling noise on a few hundred samples. */
export const MASKING_TOLERANCES = { monotone: 0.01, unbounded: 0.05, iterativeVsFgsm: 0.01, blackboxMargin: 0.05, zeroGradient: 0.1 } as const;

/**
 * Gradient-masking checks after Athalye, Carlini & Wagner (2018) and Carlini et al. (2019), "On
 * evaluating adversarial robustness", §3: signs that attacks failed because the gradients are
 * useless, not because the model is robust.
 */
export function maskingChecks(m: MaskingInput): { flags: Record<string, boolean | number | null>; findings: Finding[] } {
  const T = MASKING_TOLERANCES;
  const byAttack = new Map<string, AttackSummary[]>();
  for (const s of m.summaries) byAttack.set(s.attack, [...(byAttack.get(s.attack) ?? []), s]);

  let increases: string | null = null;
  for (const [attack, list] of byAttack) {
    const sorted = [...list].sort((a, b) => a.eps - b.eps);
    for (let i = 1; i < sorted.length; i++) {
      if (sorted[i].robustAccuracy > sorted[i - 1].robustAccuracy + T.monotone) {
        increases ??= `${attack}: ${pct(sorted[i - 1].robustAccuracy)} at ε=${sorted[i - 1].key} but ${pct(sorted[i].robustAccuracy)} at ε=${sorted[i].key}`;
      }
    }
  }
  const at = (attack: string, key: string) => m.summaries.find((s) => s.attack === attack && s.key === key);
  let iterativeWeaker: string | null = null;
  let blackbox: string | null = null;
  for (const s of m.summaries) {
    if (ITERATIVE_LINF.includes(s.attack)) {
      const f = at('fgsm', s.key);
      if (f && s.robustAccuracy > f.robustAccuracy + T.iterativeVsFgsm) iterativeWeaker ??= `ε=${s.key}: ${s.attack} leaves ${pct(s.robustAccuracy)} accurate, FGSM only ${pct(f.robustAccuracy)}`;
    }
    if (s.attack === 'square') {
      const white = ['fgsm', 'pgd_linf', 'apgd_ce', 'apgd_dlr_t'].map((a) => at(a, s.key)).filter((x): x is AttackSummary => !!x);
      if (white.length) {
        const best = Math.min(...white.map((w) => w.robustAccuracy));
        if (s.robustAccuracy < best - T.blackboxMargin) blackbox ??= `ε=${s.key}: Square ${pct(s.robustAccuracy)} vs best white-box ${pct(best)}`;
      }
    }
  }
  const unbounded = m.unboundedAccuracy !== null && m.unboundedAccuracy > T.unbounded;
  const zero = m.zeroGradientFraction !== null && m.zeroGradientFraction > T.zeroGradient;
  const nan = m.nanGradientFraction !== null && m.nanGradientFraction > 0;

  const flags = {
    accuracy_increases_with_eps: increases !== null,
    unbounded_pgd_not_zero: m.unboundedAccuracy === null ? null : unbounded,
    unbounded_pgd_accuracy: m.unboundedAccuracy,
    iterative_weaker_than_fgsm: iterativeWeaker !== null,
    blackbox_beats_whitebox: blackbox !== null,
    zero_gradient_fraction: m.zeroGradientFraction,
    nan_gradient_fraction: m.nanGradientFraction,
    probability_outputs: m.probabilityOutputs,
    any: increases !== null || unbounded || iterativeWeaker !== null || blackbox !== null || zero || nan || m.probabilityOutputs,
  };

  const findings: Finding[] = [];
  const add = (id: string, title: string, detail: string, advice: string, severity: Finding['severity'] = 'critical') =>
    findings.push({ id: `adversarial.masking.${id}`, severity, title, detail, advice });
  if (increases)
    add('accuracy_increases_with_eps', 'Robust accuracy rises with a larger budget', `A stronger attack should never do worse; here ${increases}.`, 'The attack is being misled (gradient masking, or a too-small step for that budget). Do not trust these robustness numbers; run more steps, random restarts and the black-box Square attack.');
  if (unbounded)
    add('unbounded_pgd_not_zero', 'An unlimited attack does not break the model', `PGD with a budget that can reach any input still leaves ${pct(m.unboundedAccuracy!)} of samples correctly classified.`, 'With an unlimited budget accuracy must reach ~0. Its gradients do not lead anywhere useful: suspect masking (saturated softmax, non-differentiable preprocessing, randomness) and evaluate with gradient-free attacks.');
  if (iterativeWeaker)
    add('iterative_weaker_than_fgsm', 'An iterative attack is weaker than one FGSM step', `An iterative attack should do at least as well as its first step; ${iterativeWeaker}.`, 'Suspect noisy or shattered gradients; increase PGD steps and restarts, check the step size.');
  if (blackbox)
    add('blackbox_beats_whitebox', 'A black-box attack beats the gradient attacks', `The Square attack sees only outputs, yet ${blackbox}.`, 'The gradients are unreliable for this model: report the worst case over all attacks (as faultline does) and prefer gradient-free evaluations.');
  if (zero)
    add('zero_gradients', 'Many inputs have an all-zero gradient', `${pct(m.zeroGradientFraction!)} of samples have a zero input gradient at the clean point.`, 'Saturated outputs or quantisation give no signal to gradient attacks; robustness measured by them is overstated.', 'warning');
  if (nan) add('nan_gradients', 'NaN gradients', `${pct(m.nanGradientFraction!)} of samples have NaN in their input gradient.`, 'Check the model for numerically unstable operations; gradient attacks are unreliable on it.', 'warning');
  if (m.probabilityOutputs)
    add('probability_outputs', 'The model outputs probabilities, not logits', 'Attacks on softmax outputs suffer vanishing gradients on confident inputs, which hides weaknesses.', 'Export the model without its final softmax (faultline then attacks the logits), or declare outputs: logits if they already are.', 'warning');
  return { flags, findings };
}

function pct(v: number): string {
  return `${(v * 100).toFixed(1)}%`;
}
