/** Adversarial attacks, Foolbox-style: each takes a list of ε and returns final/worst-case points and success per ε. */
export { fgsm, type FgsmOptions } from './fgsm.js';
export { pgd, type PgdOptions } from './pgd.js';
export { apgd, type ApgdOptions } from './apgd.js';
export { squareLinf, type SquareOptions } from './square.js';
export { autoAttackLite, type AutoAttackLiteOptions } from './autoattack-lite.js';
export { maskingChecks } from './masking.js';
export { UNIT_BOX, type Box } from './project.js';
export type { AttackRun, EpsResult, Norm, TargetMode } from './types.js';
