/** `calibration/run.ts --only REGEX --merge`: re-measured cases replace theirs, only their rules' rows change. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateCases, type Case } from '../../calibration/families';
import { mergeRemeasured, type Committed } from '../../calibration/merge';
import type { Measured } from '../../calibration/measure';
import { summarize, type CaseResult } from '../../calibration/report';

const generated = generateCases({
  seed: 3,
  dense: 6,
  residual: 2,
  recurrent: 3,
  optimizer: 4,
  recurrentKernel: 3,
});
const optimizerCases = generated.filter((c) => c.family === 'optimizer');

const measured = (verdict: Measured['verdict']): Measured => ({
  verdict,
  reason: verdict,
  firstRatio: 1,
  maxRatio: 1,
  maxUpdateRatio: verdict === 'exploding' ? 3 : 0.1,
  lossPerStep: [1, 1],
  stable: verdict !== 'exploding',
});

const result = (c: Case, warnings: string[], verdict: Measured['verdict']): CaseResult => ({
  id: c.id,
  family: c.family,
  warnings,
  hints: [],
  messages: [],
  measured: measured(verdict),
});

// The sweep as committed: high-learning-rate warned on every optimizer case, all of them healthy (false alarms).
const sweep = generated.map((c) =>
  result(c, c.family === 'optimizer' ? ['high-learning-rate'] : [], 'healthy'),
);
const committed: Committed = {
  meta: { seed: 3, quick: false, cases: sweep.length, backend: 'cpu', minutes: 9, only: 'stale' },
  summary: summarize(sweep),
  results: sweep,
};
const row = (c: Committed, ruleId: string) => c.summary.find((r) => r.ruleId === ruleId)!;

test('the re-measured cases replace theirs; the rule they are about is recomputed, the other rows kept', () => {
  // Re-measured: the first optimizer case explodes (the warning is right), the others no longer warn.
  const fresh = optimizerCases.map((c, i) =>
    i === 0 ? result(c, ['high-learning-rate'], 'exploding') : result(c, [], 'healthy'),
  );
  const merged = mergeRemeasured(committed, generated, {
    only: 'optimizer',
    cases: optimizerCases,
    results: fresh,
    date: '2026-12-03',
    minutes: 2,
  });
  assert.equal(merged.results.length, sweep.length);
  assert.deepEqual(
    merged.results.filter((r) => r.family === 'optimizer'),
    fresh,
  );
  assert.deepEqual(
    merged.results.filter((r) => r.family !== 'optimizer'),
    sweep.filter((r) => r.family !== 'optimizer'),
  );
  assert.equal(row(committed, 'high-learning-rate').falseAlarms, optimizerCases.length);
  assert.equal(row(merged, 'high-learning-rate').falseAlarms, 0);
  assert.equal(row(merged, 'high-learning-rate').warnings, 1);
  assert.equal(row(merged, 'high-learning-rate').problemCases, 1);
  // Rows of rules none of whose subject cases were re-measured are the committed ones, as they were.
  assert.deepEqual(
    row(merged, 'deep-without-normalization'),
    row(committed, 'deep-without-normalization'),
  );
  // The header names the re-measured part, and a stale --only from the committed meta is gone.
  assert.deepEqual(merged.meta.remeasured, {
    only: 'optimizer',
    cases: optimizerCases.length,
    date: '2026-12-03',
    minutes: 2,
  });
  assert.equal(merged.meta.only, undefined);
  assert.equal(merged.meta.minutes, 9);
});

test("re-measuring only some of a rule's subject cases is refused: the full sweep is needed", () => {
  const some = optimizerCases.slice(0, 1);
  assert.throws(
    () =>
      mergeRemeasured(committed, generated, {
        only: some[0]!.id,
        cases: some,
        results: some.map((c) => result(c, [], 'healthy')),
        date: '2026-12-03',
        minutes: 1,
      }),
    /high-learning-rate has 1 of \d+ subject cases re-measured; run the full sweep/,
  );
});
