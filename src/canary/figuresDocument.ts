import type { StoredDocument } from '../store';
import type { StageFigures } from './figures';

/**
 * The figures of the canary release's current stage, summed over every replica (each adds what it recorded
 * since its last flush, by compare-and-set). Stored beside the registry (file or Redis): `canary-figures`.
 */
export interface FiguresDocument {
  readonly revision: number;
  /** The release and stage the figures belong to ('' / 0: none yet). */
  readonly canary: string;
  readonly stage: number;
  readonly figures: StageFigures;
}

export const FIGURES_DOCUMENT: StoredDocument<FiguresDocument> = {
  empty: Object.freeze({ revision: 0, canary: '', stage: 0, figures: {} }),
  parse(text, where) {
    const value = JSON.parse(text) as FiguresDocument;
    if (typeof value !== 'object' || value === null || typeof value.revision !== 'number' || typeof value.figures !== 'object') {
      throw new Error(`the canary figures in ${where} are not a figures document`);
    }
    return value;
  },
};
