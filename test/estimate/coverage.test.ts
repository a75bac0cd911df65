/**
 * Beyond the required MLP grid: conv stacks, max pooling, dropout and batch normalisation (both
 * in training mode, as the probe measures), checked against tfjs gradients measured directly,
 * including the batch-norm layers' own gamma/beta gradients. Same one-order-of-magnitude bar.
 */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { estimateGradients } from '../../src/estimate';
import { sequentialModel, type LayerSpec } from './ir-builder';
import { measureSequential, type MeasureOptions } from './measure';

function worstLogError(specs: LayerSpec[], options: Omit<MeasureOptions, 'seed'>): number {
  const runs = [1, 2, 3].map((seed) => measureSequential(specs, { ...options, seed }));
  const estimate = estimateGradients(sequentialModel(specs, options.loss), {
    batchSize: options.batch,
  });
  let worst = 0;
  runs[0].forEach((_, i) => {
    if (Number.isNaN(runs[0][i])) return; // no weights
    const measured = Math.exp(runs.reduce((sum, run) => sum + Math.log(run[i]), 0) / runs.length);
    const relative = estimate.layers[i].relative;
    assert.ok(relative !== null && relative > 0, `layer ${i} has an estimate (${estimate.method})`);
    worst = Math.max(worst, Math.abs(Math.log10(relative / measured)));
  });
  return worst;
}

describe('static estimate on conv stacks, dropout and batch norm, against measured tfjs gradients', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  for (const activation of ['sigmoid', 'tanh', 'relu']) {
    it(`conv2d ${activation} (same/valid padding, stride 2) -> flatten -> dense softmax`, (t) => {
      const specs: LayerSpec[] = [
        {
          factory: 'conv2d',
          config: {
            filters: 8,
            kernelSize: 3,
            inputShape: [10, 10, 2],
            activation,
            padding: 'same',
          },
        },
        { factory: 'conv2d', config: { filters: 8, kernelSize: 3, activation, padding: 'same' } },
        { factory: 'conv2d', config: { filters: 8, kernelSize: 3, strides: 2, activation } },
        { factory: 'conv2d', config: { filters: 8, kernelSize: 3, activation, padding: 'same' } },
        { factory: 'flatten' },
        { factory: 'dense', config: { units: 32, activation } },
        { factory: 'dense', config: { units: 10, activation: 'softmax' } },
      ];
      const error = worstLogError(specs, {
        inputShape: [10, 10, 2],
        outputUnits: 10,
        loss: 'categoricalCrossentropy',
        batch: 16,
      });
      t.diagnostic(`worst |log10 error|: ${error.toFixed(2)}`);
      assert.ok(error <= 1, `log10 error ${error.toFixed(2)} exceeds 1`);
    });

    it(`conv1d ${activation} with He init and a stride -> dense + MSE`, (t) => {
      const specs: LayerSpec[] = [
        {
          factory: 'conv1d',
          config: { filters: 8, kernelSize: 5, inputShape: [24, 3], activation },
        },
        {
          factory: 'conv1d',
          config: { filters: 8, kernelSize: 5, activation, kernelInitializer: 'heNormal' },
        },
        { factory: 'conv1d', config: { filters: 8, kernelSize: 3, activation, strides: 2 } },
        { factory: 'flatten' },
        { factory: 'dense', config: { units: 5 } },
      ];
      const error = worstLogError(specs, {
        inputShape: [24, 3],
        outputUnits: 5,
        loss: 'meanSquaredError',
        batch: 16,
      });
      t.diagnostic(`worst |log10 error|: ${error.toFixed(2)}`);
      assert.ok(error <= 1, `log10 error ${error.toFixed(2)} exceeds 1`);
    });
  }

  it('dropout (rate 0.5) and gaussianNoise between dense layers, and on the input', (t) => {
    const specs: LayerSpec[] = [
      { factory: 'dropout', config: { rate: 0.2, inputShape: [32] } },
      {
        factory: 'dense',
        config: { units: 64, activation: 'relu', kernelInitializer: 'heNormal' },
      },
      { factory: 'dropout', config: { rate: 0.5 } },
      { factory: 'dense', config: { units: 64, activation: 'tanh' } },
      { factory: 'gaussianNoise', config: { stddev: 1 } },
      { factory: 'dense', config: { units: 64, activation: 'sigmoid' } },
      { factory: 'dropout', config: { rate: 0.5 } },
      { factory: 'dense', config: { units: 64, activation: 'sigmoid' } },
      { factory: 'dense', config: { units: 4 } },
    ];
    const error = worstLogError(specs, {
      inputShape: [32],
      outputUnits: 4,
      loss: 'meanSquaredError',
      batch: 64,
    });
    t.diagnostic(`worst |log10 error|: ${error.toFixed(2)}`);
    assert.ok(error <= 1, `log10 error ${error.toFixed(2)} exceeds 1`);
  });

  it('the dropout factor matters: ignoring it misses a deep sigmoid dropout stack by more', (t) => {
    const layers: LayerSpec[] = [
      { factory: 'dense', config: { units: 64, activation: 'sigmoid', inputShape: [32] } },
    ];
    for (let i = 0; i < 6; i++) {
      layers.push({ factory: 'dropout', config: { rate: 0.5 } });
      layers.push({ factory: 'dense', config: { units: 64, activation: 'sigmoid' } });
    }
    layers.push({ factory: 'dense', config: { units: 4 } });
    const options = {
      inputShape: [32],
      outputUnits: 4,
      loss: 'meanSquaredError' as const,
      batch: 64,
    };
    const measured = [1, 2, 3].map((seed) => measureSequential(layers, { ...options, seed })[0]);
    const geometric = Math.exp(measured.reduce((a, b) => a + Math.log(b), 0) / measured.length);
    const firstLayerError = (specs: LayerSpec[]) => {
      const estimate = estimateGradients(sequentialModel(specs, options.loss), { batchSize: 64 });
      return Math.abs(Math.log10((estimate.layers[0].relative ?? Number.NaN) / geometric));
    };
    const withDropout = firstLayerError(layers);
    const ignoring = firstLayerError(
      layers.map((l) =>
        l.factory === 'dropout' ? { factory: 'dropout', config: { rate: 0 } } : l,
      ),
    );
    t.diagnostic(
      `first-layer |log10 error|: ${withDropout.toFixed(2)} modelled, ${ignoring.toFixed(2)} ignored`,
    );
    assert.ok(
      withDropout < ignoring,
      `modelled ${withDropout.toFixed(2)} vs ignored ${ignoring.toFixed(2)}`,
    );
  });
  for (const activation of ['sigmoid', 'tanh', 'relu']) {
    it(`batch norm before the activation (dense -> BN -> ${activation}) x8, and after it (conv)`, (t) => {
      const mlp: LayerSpec[] = [];
      for (let i = 0; i < 8; i++) {
        mlp.push({
          factory: 'dense',
          config: { units: 64, ...(i === 0 ? { inputShape: [32] } : {}) },
        });
        mlp.push({ factory: 'batchNormalization' });
        mlp.push({ factory: 'activation', config: { activation } });
      }
      mlp.push({ factory: 'dense', config: { units: 4 } });
      const before = worstLogError(mlp, {
        inputShape: [32],
        outputUnits: 4,
        loss: 'meanSquaredError',
        batch: 64,
      });
      const conv: LayerSpec[] = [
        {
          factory: 'conv2d',
          config: {
            filters: 8,
            kernelSize: 3,
            inputShape: [10, 10, 2],
            padding: 'same',
            activation,
          },
        },
        { factory: 'batchNormalization' },
        {
          factory: 'conv2d',
          config: { filters: 8, kernelSize: 3, padding: 'same', useBias: false, activation },
        },
        { factory: 'batchNormalization' },
        { factory: 'flatten' },
        { factory: 'dense', config: { units: 10, activation: 'softmax' } },
      ];
      const after = worstLogError(conv, {
        inputShape: [10, 10, 2],
        outputUnits: 10,
        loss: 'categoricalCrossentropy',
        batch: 16,
      });
      t.diagnostic(
        `worst |log10 error|: ${before.toFixed(2)} (BN before activation), ${after.toFixed(2)} (conv, BN after)`,
      );
      assert.ok(
        before <= 1 && after <= 1,
        `log10 errors ${before.toFixed(2)}, ${after.toFixed(2)}`,
      );
    });
  }
  for (const activation of ['sigmoid', 'tanh', 'relu']) {
    it(`pooling: MNIST-like conv/pool stacks (max, average) and global max/average pooling (${activation})`, (t) => {
      const mnist: LayerSpec[] = [
        {
          factory: 'conv2d',
          config: { filters: 8, kernelSize: 3, inputShape: [14, 14, 1], activation },
        },
        { factory: 'maxPooling2d', config: { poolSize: 2 } },
        { factory: 'conv2d', config: { filters: 8, kernelSize: 3, activation } },
        { factory: 'maxPooling2d', config: { poolSize: [2, 2] } },
        { factory: 'flatten' },
        { factory: 'dense', config: { units: 10, activation: 'softmax' } },
      ];
      const pooled = worstLogError(mnist, {
        inputShape: [14, 14, 1],
        outputUnits: 10,
        loss: 'categoricalCrossentropy',
        batch: 16,
      });
      const global: LayerSpec[] = [
        {
          factory: 'conv1d',
          config: { filters: 8, kernelSize: 3, inputShape: [30, 3], activation },
        },
        { factory: 'maxPooling1d', config: { poolSize: 3 } },
        { factory: 'conv1d', config: { filters: 8, kernelSize: 3, activation } },
        { factory: 'globalMaxPooling1d' },
        { factory: 'dense', config: { units: 4 } },
      ];
      const globalError = worstLogError(global, {
        inputShape: [30, 3],
        outputUnits: 4,
        loss: 'meanSquaredError',
        batch: 16,
      });
      const averaged = worstLogError(
        mnist.map((l) =>
          l.factory === 'maxPooling2d' ? { ...l, factory: 'averagePooling2d' } : l,
        ),
        { inputShape: [14, 14, 1], outputUnits: 10, loss: 'categoricalCrossentropy', batch: 16 },
      );
      const gap: LayerSpec[] = [
        {
          factory: 'conv2d',
          config: {
            filters: 8,
            kernelSize: 3,
            inputShape: [10, 10, 2],
            activation,
            padding: 'same',
          },
        },
        { factory: 'conv2d', config: { filters: 8, kernelSize: 3, activation, padding: 'same' } },
        { factory: 'globalAveragePooling2d' },
        { factory: 'dense', config: { units: 4 } },
      ];
      const gapError = worstLogError(gap, {
        inputShape: [10, 10, 2],
        outputUnits: 4,
        loss: 'meanSquaredError',
        batch: 16,
      });
      const errors = {
        maxPooling2d: pooled,
        globalMaxPooling1d: globalError,
        averagePooling2d: averaged,
        globalAveragePooling2d: gapError,
      };
      t.diagnostic(
        `worst |log10 error|: ${Object.entries(errors)
          .map(([k, v]) => `${v.toFixed(2)} (${k})`)
          .join(', ')}`,
      );
      for (const [kind, error] of Object.entries(errors))
        assert.ok(error <= 1, `${kind}: log10 error ${error.toFixed(2)}`);
    });
  }

  it('says what it does not cover: overlapping pools, BN before average pooling, max after swish', () => {
    const base = (pool: LayerSpec, activation = 'relu'): LayerSpec[] => [
      {
        factory: 'conv2d',
        config: { filters: 4, kernelSize: 3, inputShape: [9, 9, 1], activation },
      },
      pool,
      { factory: 'flatten' },
      { factory: 'dense', config: { units: 2 } },
    ];
    const note = (specs: LayerSpec[]) => estimateGradients(sequentialModel(specs)).method;
    assert.match(
      note(base({ factory: 'maxPooling2d', config: { poolSize: 3, strides: 1 } })),
      /non-overlapping/,
    );
    const normalised = base({ factory: 'averagePooling2d', config: { poolSize: 2 } });
    normalised.splice(1, 0, { factory: 'batchNormalization' });
    assert.match(note(normalised), /batch normalisation before average pooling/);
    assert.match(
      note(base({ factory: 'maxPooling2d', config: { poolSize: 2 } }, 'swish')),
      /non-monotone swish/,
    );
  });
});
