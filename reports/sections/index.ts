import { performanceSection } from './performance.js';
import { fairnessSection } from './fairness.js';
import { corruptionsSection } from './corruptions.js';
import { adversarialSection } from './adversarial.js';
import type { SectionBuilder } from './types.js';

/** Report section builders by probe name. A probe without one gets the generic metrics section. */
export const SECTION_BUILDERS: Record<string, SectionBuilder> = {
  performance: performanceSection,
  adversarial: adversarialSection,
  corruptions: corruptionsSection,
  fairness: fairnessSection,
};
