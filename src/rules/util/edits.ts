/** Combining the edits of one fix so that every consumer applies them the same way. */
import type { TextEdit } from '../types';

/**
 * Joins insertions at the same offset into one edit (in the order given), so the result does not depend on
 * how an editor orders equal positions. Null stays null: a fix with an unsafe edit is no fix.
 */
export function combineInserts(edits: (TextEdit | null)[]): (TextEdit | null)[] {
  if (edits.some((e) => e === null)) return [null];
  const result: TextEdit[] = [];
  for (const edit of edits as TextEdit[]) {
    const same = result.find(
      (e) => e.start === e.end && edit.start === edit.end && e.start === edit.start,
    );
    if (same) same.text += edit.text;
    else result.push({ ...edit });
  }
  return result;
}
