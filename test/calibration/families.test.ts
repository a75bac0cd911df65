/** The calibration sweep's generator: seeded, and every case is a model the extractor reads as intended. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze } from '../../src/analysis';
import { modelDepth } from '../../src/rules/util/model';
import { generateCases } from '../../calibration/families';

const options = { seed: 3, dense: 12, residual: 3, recurrent: 6, optimizer: 6, recurrentKernel: 6 };

test('the same seed draws the same cases; another seed draws others', () => {
  const ids = (seed: number) => generateCases({ ...options, seed }).map((c) => c.id);
  assert.deepEqual(ids(3), ids(3));
  assert.notDeepEqual(ids(3), ids(4));
});

test('every case and every remedy parses into one model with the depth its id names', () => {
  const cases = generateCases(options);
  assert.equal(cases.length, 33);
  for (const c of cases) {
    for (const source of [c.source, ...Object.values(c.remedies)]) {
      const analysis = analyze(source, 'case.ts');
      assert.deepEqual(analysis.problems, [], `${c.id} parses`);
      assert.equal(analysis.models.length, 1, `${c.id}: one model`);
    }
    const depth = / d(\d+) /.exec(c.id);
    if (c.family === 'dense' && depth) {
      assert.equal(modelDepth(analyze(c.source, 'case.ts').models[0]!), Number(depth[1]), c.id);
    }
    if (c.family === 'recurrent') assert.ok(c.steps! >= 5 && c.steps! <= 300, c.id);
  }
});
