/** An open-shaped input merged elementwise with a known tensor takes that tensor's shape. */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { probeModel } from '../../src/probe/engine';
import { resolveUnknowns } from '../../src/probe/resolve';
import { functional, irRequest, unknown } from '../fixtures/probe/ir';
import { loadTf, type Tf } from '../fixtures/probe/tf';

let tf: Tf;
let backend: string;
before(async () => ({ tf, backend } = await loadTf()));

/** Two blocks `x = add([x, dropout(custom(x))])` whose custom layer's outputs are open inputs. */
const blocks = (seq: unknown[] = [null, 12]) =>
  functional('blocks', {
    inputs: [
      { id: 'seq', shape: seq },
      { id: 'custom1', shape: unknown('mixer.apply(h)') },
      { id: 'custom2', shape: unknown('mixer.apply(h)') },
      { id: 'side', shape: unknown('extra') },
    ],
    layers: [
      { factory: 'dense', config: { units: unknown('width') } },
      { factory: 'dropout', config: { rate: 0.1 } },
      { factory: 'add' },
      { factory: 'layerNormalization' },
      { factory: 'multiply' },
      { factory: 'dense', config: { units: 5 } },
      { factory: 'dense', config: { units: 3 } },
      { factory: 'concatenate' },
    ],
    nodes: [
      ['h', 0, ['seq']],
      ['d1', 1, ['custom1']],
      ['x1', 2, ['h', 'd1']],
      ['n2', 3, ['custom2']],
      ['x2', 4, ['x1', 'n2']],
      ['out', 5, ['x2']],
      ['s', 6, ['side']],
      ['both', 7, ['out', 's']],
    ],
    outputs: ['both'],
  });

test("an open input reaching add/multiply through same-shape layers gets the other operand's shape", () => {
  const result = resolveUnknowns(blocks(), {}, { assume: true });
  const values = Object.fromEntries(result.assumed.map((a) => [a.name, a.value]));
  // `width` is a role default (64) filled first; the merged inputs follow it, the second through the first.
  assert.equal(values['width'], 64);
  assert.deepEqual(values['input2'], [null, 64]);
  assert.deepEqual(values['input3'], [null, 64]);
  const role = result.assumed.find((a) => a.name === 'input2')!.role;
  assert.match(role, /other input of add layer 2 \(line \d+\)/);
  // Not merged elementwise (a concatenate after a dense): the role default.
  assert.deepEqual(values['extra'], [32]);
});

test('a --set width reaches the merged inputs too', () => {
  const result = resolveUnknowns(blocks(), { width: '20' }, { assume: true });
  const input3 = result.assumed.find((a) => a.name === 'input3');
  assert.deepEqual(input3?.value, [null, 20]);
});

test('the model with merged open inputs is built and measured in one click', async () => {
  // Vectors, not sequences, so the side branch's concatenate fits too.
  const report = await probeModel(tf, irRequest(blocks([12]), { batchSize: 4 }), backend);
  assert.ok(report.verdict);
  assert.ok(report.layers.some((l) => l.gradNorm !== null && l.gradNorm > 0));
});
