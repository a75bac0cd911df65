/**
 * Applying fixes to source text, as ESLint does: fixes are applied in source order; a fix whose
 * range touches or overlaps one already applied is skipped (a later pass picks it up once the
 * first has landed). A fix's edits are applied together or not at all.
 */
import type { Fix, LintMessage, TextEdit } from '../rules/types';

export interface FixOutcome {
  output: string;
  /** Fixes applied, in source order. */
  applied: Fix[];
  /** Fixes skipped because they overlapped an applied one or were malformed. */
  skipped: Fix[];
}

/** Applies whole fixes (each a group of edits) to the source. */
export function applyFixes(source: string, fixes: readonly Fix[]): FixOutcome {
  const candidates = fixes
    .map((fix) => ({ fix, edits: normalizeEdits(fix.edits, source.length) }))
    .sort(
      (a, b) =>
        rangeOf(a.edits).start - rangeOf(b.edits).start ||
        rangeOf(a.edits).end - rangeOf(b.edits).end,
    );
  const applied: Fix[] = [];
  const skipped: Fix[] = [];
  const accepted: TextEdit[] = [];
  let lastEnd = -1;
  for (const { fix, edits } of candidates) {
    if (edits === null) {
      skipped.push(fix);
      continue;
    }
    const range = rangeOf(edits);
    // Touching counts as overlapping: two insertions at one offset would otherwise interleave.
    if (range.start <= lastEnd) {
      skipped.push(fix);
      continue;
    }
    accepted.push(...edits);
    applied.push(fix);
    lastEnd = range.end;
  }
  return { output: applyEdits(source, accepted), applied, skipped };
}

/** Applies edits that are already sorted and non-overlapping. */
export function applyEdits(source: string, edits: readonly TextEdit[]): string {
  let output = '';
  let cursor = 0;
  for (const edit of edits) {
    output += source.slice(cursor, edit.start) + edit.text;
    cursor = edit.end;
  }
  return output + source.slice(cursor);
}

/** Anything that offers fixes: rule messages, and problems such as unused directives. */
export type Fixable = Pick<LintMessage, 'fixes'>;

/** One pass of `--fix`: each message's preferred fix, if it has one. */
export function applyPreferredFixes(source: string, messages: readonly Fixable[]): FixOutcome {
  const fixes = messages.flatMap((message) =>
    message.fixes.filter((fix) => fix.preferred).slice(0, 1),
  );
  return applyFixes(source, fixes);
}

export interface FixLoopOutcome {
  output: string;
  /** Number of fixes applied over all passes. */
  fixCount: number;
  passes: number;
}

export const MAX_FIX_PASSES = 10;

/**
 * `--fix`: lint, apply the preferred fixes, re-lint the result, until nothing more applies
 * (at most MAX_FIX_PASSES passes, which also stops two fixes that undo each other).
 */
export function fixUntilStable(
  source: string,
  lint: (text: string) => readonly Fixable[],
  maxPasses = MAX_FIX_PASSES,
): FixLoopOutcome {
  let output = source;
  let fixCount = 0;
  let passes = 0;
  while (passes < maxPasses) {
    const outcome = applyPreferredFixes(output, lint(output));
    passes++;
    if (outcome.applied.length === 0 || outcome.output === output) break;
    output = outcome.output;
    fixCount += outcome.applied.length;
  }
  return { output, fixCount, passes };
}

/** Sorted copies of a fix's edits, or null when they are out of range or overlap each other. */
function normalizeEdits(edits: readonly TextEdit[], length: number): TextEdit[] | null {
  if (edits.length === 0) return null;
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  let previousEnd = -1;
  for (const edit of sorted) {
    const valid =
      Number.isInteger(edit.start) &&
      Number.isInteger(edit.end) &&
      edit.start >= 0 &&
      edit.start <= edit.end &&
      edit.end <= length &&
      typeof edit.text === 'string';
    if (!valid || edit.start < previousEnd) return null;
    previousEnd = edit.end;
  }
  return sorted;
}

function rangeOf(edits: readonly TextEdit[] | null): { start: number; end: number } {
  if (!edits) return { start: Number.MAX_SAFE_INTEGER, end: Number.MAX_SAFE_INTEGER };
  return { start: edits[0].start, end: Math.max(...edits.map((e) => e.end)) };
}
