import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { sameJson } from '../../../src/analysis/python/models';

const withoutSpans = (value: unknown) =>
  JSON.stringify(value, (key, item: unknown) =>
    key === 'span' || key === 'valueSpan' ? undefined : item,
  );

const leaf = fc.constantFrom<unknown>(0, -0, 1, 2.5, NaN, Infinity, null, undefined, '', 'a', true);
const key = fc.constantFrom('a', 'b', 'span', 'valueSpan');
const { value } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    leaf,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(key, tie('value'), { maxKeys: 3 }),
  ),
}));

test('sameJson holds exactly when the JSON without spans is the same string', () => {
  fc.assert(
    fc.property(value, value, fc.boolean(), (a, b, cloned) => {
      // A clone through JSON is equal as JSON while differing in NaN, -0, undefined and spans.
      const other = cloned ? (JSON.parse(withoutSpans([a]) ?? 'null') as unknown[])[0] : b;
      assert.equal(sameJson([a], [other]), withoutSpans([a]) === withoutSpans([other]));
    }),
    { numRuns: 2000 },
  );
});

test('sameJson tells key order and spans apart as JSON does', () => {
  assert.equal(sameJson({ a: 1, b: 2 }, { b: 2, a: 1 }), false);
  assert.equal(sameJson({ a: 1, span: { start: 0 } }, { a: 1, span: { start: 9 } }), true);
  assert.equal(sameJson([undefined], [null]), true);
  assert.equal(sameJson({ a: undefined }, {}), true);
});
