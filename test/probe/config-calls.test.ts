/** Calls inside layer configs that tfjs builds differently from how the code wrote them. */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { ROLE_DEFAULTS } from '../../src/probe/assume';
import { probeModel } from '../../src/probe/engine';
import { resolveUnknowns } from '../../src/probe/resolve';
import { call, sequential, irRequest, unknown, type LayerSpec } from '../fixtures/probe/ir';
import { loadTf, type Tf } from '../fixtures/probe/tf';

let tf: Tf;
let backend: string;
before(async () => ({ tf, backend } = await loadTf()));

const request = (layers: LayerSpec[]) => irRequest(sequential('m', layers), { seed: 3 });
const withKernelRegularizer = (regularizer: unknown): LayerSpec[] => [
  {
    factory: 'dense',
    config: {
      units: 5,
      inputShape: [3],
      kernelInitializer: call('initializers.constant', { value: 0.2 }),
      kernelRegularizer: regularizer,
    },
  },
  { factory: 'dense', config: { units: 1 } },
];

test("Keras's positional regularizer rates (l2(0.05), l1l2(0.01, 0.02)) build the config they mean", async () => {
  const cases: [unknown, unknown][] = [
    [call('regularizers.l2', 0.05), call('regularizers.l2', { l2: 0.05 })],
    [call('regularizers.l1', 0.05), call('regularizers.l1', { l1: 0.05 })],
    [call('regularizers.l1l2', 0.01, 0.02), call('regularizers.l1l2', { l1: 0.01, l2: 0.02 })],
  ];
  for (const [positional, object] of cases) {
    const a = await probeModel(tf, request(withKernelRegularizer(positional)), backend);
    const b = await probeModel(tf, request(withKernelRegularizer(object)), backend);
    assert.ok(Math.abs(a.loss - b.loss) < 1e-9, `${a.loss} vs ${b.loss}`);
  }
  const none = await probeModel(tf, request(withKernelRegularizer(undefined)), backend);
  const l2 = await probeModel(
    tf,
    request(withKernelRegularizer(call('regularizers.l2', 0.05))),
    backend,
  );
  // 15 kernel weights of 0.2: the penalty 0.05 * 15 * 0.04 is on the measured loss.
  assert.ok(Math.abs(l2.loss - none.loss - 0.03) < 1e-5, `${l2.loss} - ${none.loss}`);
});

test('an RNN over a list of cell factories is built with those cells and measured per cell', async () => {
  const report = await probeModel(
    tf,
    request([
      {
        factory: 'rnn',
        config: {
          cell: [call('layers.gruCell', { units: 6 }), call('layers.lstmCell', { units: 4 })],
          inputShape: [5, 3],
        },
      },
      { factory: 'dense', config: { units: 1 } },
    ]),
    backend,
  );
  const rnn = report.layers[0]!;
  // A GRU cell has 3 gates, an LSTM cell 4: kernel, recurrent kernel and bias each.
  assert.equal(rnn.weights.length, 6);
  assert.ok(rnn.gradNorm !== null && rnn.gradNorm > 0);
});

test('a call to any other layer factory inside a config is still refused', async () => {
  const layers: LayerSpec[] = [
    { factory: 'rnn', config: { cell: call('layers.dense', { units: 3 }), inputShape: [4, 2] } },
  ];
  await assert.rejects(probeModel(tf, request(layers), backend), /cannot rebuild/);
});

test("an open size inside a cell call is the cell's units (a recurrent width), not a missing cell", async () => {
  const model = sequential('m', [
    {
      factory: 'rnn',
      config: {
        cell: [call('layers.lstmCell', { units: unknown('sizeFromPage'), dropout: unknown('p') })],
        inputShape: [6, 2],
      },
    },
    { factory: 'dense', config: { units: 1 } },
  ]);
  const resolved = resolveUnknowns(model, {}, { assume: true });
  const byName = Object.fromEntries(resolved.assumed.map((a) => [a.name, a]));
  assert.equal(byName['sizeFromPage']?.value, ROLE_DEFAULTS.recurrentUnits.value);
  assert.match(byName['sizeFromPage']!.role, /units of cell 0 of rnn layer 0/);
  // An optional cell property is left to tfjs; the cell itself stays.
  assert.equal(byName['p']?.value, null);
  const report = await probeModel(tf, irRequest(model, { seed: 3 }), backend);
  assert.equal(report.layers[0]!.weights.length, 3);
});
