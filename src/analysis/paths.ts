/**
 * What both front ends share about one model per path (js/paths.ts, python/paths.ts): a decision
 * at an undecidable branch, the depth-first order of the runs, and how a path's decisions read in
 * a variant's label and id.
 */

/** More paths than this through one root are not explored; the result says so. */
export const MAX_PATHS = 16;

export interface Decision {
  /** Decisions with the same key take the same option within a run (`if (useBn)` in a loop). */
  key: string;
  options: number;
  option: number;
  /** The condition as written (test or switch discriminant) and the branch taken, for VariantInfo.path. */
  condition: string;
  branch: string;
  /** How the branch reads in a label (`modelType = 'cnn'`) and its id part (`cnn`). */
  label: string;
  id: string;
  /** For `X === lit` decisions: X, and whether this branch is the one where it does not hold. */
  subject?: string;
  negative?: boolean;
  /** Arms of one else-if (elif) chain share it: an `else` followed by a later arm reads as that arm. */
  chain: number;
}

export type Reading = Pick<Decision, 'branch' | 'label' | 'id' | 'subject' | 'negative'>;

/** The next path in depth-first order: the last decision with an option left takes it. */
export function nextPath(log: Decision[]): number[] | null {
  for (let j = log.length - 1; j >= 0; j--) {
    if (log[j].option + 1 < log[j].options) {
      return [...log.slice(0, j).map((d) => d.option), log[j].option + 1];
    }
  }
  return null;
}

/**
 * The decisions of a path that tell it apart in a label: an `else` followed by a later arm of its
 * chain reads as that arm (`kind = rnn`, not `kind != cnn, kind = rnn`), and so does
 * `modelType !== 'multihot'` followed by `modelType = 'cnn'`.
 */
export function shownDecisions(own: Decision[]): Decision[] {
  return own.filter((d, i) => {
    const later = own.slice(i + 1);
    if (d.branch === 'else' && later.some((l) => l.chain === d.chain)) return false;
    return !(d.negative && later.some((l) => l.subject === d.subject && !l.negative));
  });
}

/** An id part from a literal or condition text: letters, digits, `-` and `_` only. */
export function idPart(text: string): string {
  const cleaned = text
    .replace(/['"`]/g, '')
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return cleaned.slice(0, 40) || 'path';
}
