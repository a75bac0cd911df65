/** The estimate's what-if for a changed kernel initializer, remembered per model and change. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze } from '../../src/analysis';
import { estimateGradients } from '../../src/estimate';
import { judgeInitializerChange } from '../../src/rules/util/gradient';
import { formatNumber } from '../../src/rules/util/message';

const source = `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({ units: 64, activation: 'relu', kernelInitializer: 'zeros', inputShape: [32] }));
for (let i = 0; i < 8; i++) model.add(tf.layers.dense({ units: 64, activation: 'relu', kernelInitializer: 'leCunNormal' }));
model.add(tf.layers.dense({ units: 1 }));
model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
`;
const thresholds = { vanishingRatio: 1e-3, explodingRatio: 70, hintGain: 1.0001 };

/** The first-layer ratio of the model with `names` as the kernel initializers of the hidden layers. */
function fixedRatio(names: (index: number) => string): number {
  const [model] = analyze(source, 'model.ts').models;
  const changed = {
    ...model,
    layers: model.layers.map((layer) =>
      layer.index === model.layers.length - 1
        ? layer
        : {
            ...layer,
            config: {
              ...layer.config,
              props: {
                ...layer.config.props,
                kernelInitializer: {
                  value: { kind: 'string' as const, value: names(layer.index) },
                  span: null,
                  valueSpan: null,
                  inherited: false,
                },
              },
            },
          },
    ),
  };
  const first = estimateGradients(changed).layers.find((l) => l.relative !== null)!;
  return first.relative!;
}

test('each change of the same model is judged on its own changed model', () => {
  const [model] = analyze(source, 'model.ts').models;
  const hidden = model.layers.slice(0, -1);
  const judge = (initializer: string | ((layer: (typeof hidden)[number]) => string)) =>
    judgeInitializerChange(model, hidden, initializer, thresholds);
  const he = judge('heNormal');
  const glorot = judge('glorotNormal');
  const mixed = judge((layer) => (layer.index % 2 === 0 ? 'heNormal' : 'glorotNormal'));
  assert.ok(he && glorot && mixed);
  const tos = [he, glorot, mixed].map((j) => j.data.to);
  assert.equal(new Set(tos).size, 3, `three changes, three ratios: ${tos.join(', ')}`);
  // Asked again, the same change gives the same judgement (from the remembered changed model).
  assert.deepEqual(judge('heNormal'), he);
  assert.deepEqual(
    judge((layer) => (layer.index % 2 === 0 ? 'heNormal' : 'glorotNormal')),
    mixed,
  );
  // And it is the estimate of that model, built here independently.
  assert.equal(he.data.to, formatNumber(fixedRatio(() => 'heNormal')));
  assert.equal(glorot.data.to, formatNumber(fixedRatio(() => 'glorotNormal')));
});
