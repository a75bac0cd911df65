/**
 * `calibration/run.ts --only REGEX --merge`: the re-measured cases replace theirs in the committed results. Only
 * the rows of rules whose subject cases were all re-measured are recomputed; the others keep the sweep's rows
 * (results.json cannot give them back: JSON turns NaN and Infinity ratios into null). A rule with some subject
 * cases re-measured and some not needs the full sweep.
 */
import type { Case } from './families';
import { JUDGES } from './judge';
import { summarize, type CaseResult, type RuleFigures, type renderMarkdown } from './report';

export type Meta = Parameters<typeof renderMarkdown>[0] & { only?: string };

export interface Committed {
  meta: Meta;
  summary: RuleFigures[];
  results: CaseResult[];
}

export function mergeRemeasured(
  committed: Committed,
  generated: Case[],
  remeasured: { only: string; cases: Case[]; results: CaseResult[]; date: string; minutes: number },
): Committed {
  const fresh = new Map(remeasured.results.map((r) => [r.id, r]));
  const results = committed.results.map((r) => fresh.get(r.id) ?? r);
  const { only: _, remeasured: __, ...base } = committed.meta;
  const meta: Meta = {
    ...base,
    remeasured: {
      only: remeasured.only,
      cases: remeasured.results.length,
      date: remeasured.date,
      minutes: remeasured.minutes,
    },
  };
  const ids = new Set(remeasured.cases.map((c) => c.id));
  const recomputed = summarize(results);
  const summary = committed.summary.map((row) => {
    const judge = JUDGES[row.ruleId];
    const subjects = judge ? generated.filter((c) => judge.subject(c)) : [];
    const measured = subjects.filter((c) => ids.has(c.id)).length;
    if (measured === 0) return row;
    if (measured < subjects.length)
      throw new Error(
        `--merge: ${row.ruleId} has ${measured} of ${subjects.length} subject cases re-measured; run the full sweep`,
      );
    return recomputed.find((r) => r.ruleId === row.ruleId) ?? row;
  });
  return { meta, summary, results };
}
