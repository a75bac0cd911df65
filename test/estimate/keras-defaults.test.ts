/**
 * The estimate under Keras's defaults: the kernel defaults to glorot_uniform (variance exactly
 * 2/(fanIn+fanOut)), and Keras's truncated-normal variance-scaling initializers divide the stddev by 0.8796,
 * so their variance is the nominal one (tfjs's are 0.774 of it). Keras's plain TruncatedNormal is not rescaled.
 * Each variance is checked against draws made the way Keras makes them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { FRAMEWORK_DEFAULTS } from '../../src/analysis/frameworks';
import { estimateGradients } from '../../src/estimate';
import { initializerVariance, TRUNCATION_FACTOR } from '../../src/estimate/initializers';
import { sequentialModel, toValue } from './ir-builder';

const KERAS = FRAMEWORK_DEFAULTS.keras.truncatedNormalStddevFactor;
const fans = { fanIn: 300, fanOut: 200, rows: 300, cols: 200 };

function variance(spec: unknown, factor: number, fallback = 'glorotUniform'): number {
  const result = initializerVariance(
    spec === undefined ? undefined : toValue(spec),
    fallback,
    fans,
    factor,
  );
  assert.ok(!('error' in result), JSON.stringify(result));
  return result.variance;
}

/** Keras's VarianceScaling truncated_normal: stddev sqrt(scale/n) / 0.8796, drawn truncated at 2 sd. */
function kerasTruncatedDraws(scale: number, n: number): number {
  const stddev = Math.sqrt(scale / n) * KERAS;
  const sample = tf.truncatedNormal([300, 200], 0, stddev, 'float32', 7);
  const measured = tf.moments(sample).variance.dataSync()[0];
  sample.dispose();
  return measured;
}

describe("the estimate under Keras's defaults", () => {
  it('an unset Keras kernel is glorot_uniform: 2/(fanIn+fanOut) exactly', () => {
    const keras = variance(undefined, KERAS, FRAMEWORK_DEFAULTS.keras.kernelInitializer);
    assert.equal(keras, 2 / 500);
    const tfjs = variance(undefined, 1, FRAMEWORK_DEFAULTS.tfjs.kernelInitializer);
    assert.ok(Math.abs(tfjs / keras - TRUNCATION_FACTOR) < 1e-12, 'tfjs glorotNormal is 0.774x');
  });

  for (const [name, scale, n] of [
    ['heNormal', 2, 300],
    ['glorotNormal', 1, 250],
    ['leCunNormal', 1, 300],
  ] as const) {
    it(`Keras ${name} keeps the nominal variance ${scale}/${n}, and matches Keras-style draws`, () => {
      const ours = variance(name, KERAS);
      assert.ok(Math.abs(ours / (scale / n) - 1) < 1e-3, `${ours} vs ${scale / n}`);
      const measured = kerasTruncatedDraws(scale, n);
      assert.ok(Math.abs(ours / measured - 1) < 0.03, `${ours} vs measured ${measured}`);
      assert.ok(Math.abs(variance(name, 1) / ours - TRUNCATION_FACTOR) < 1e-3, 'tfjs is 0.774x');
    });
  }

  it('a plain TruncatedNormal is not rescaled; an untruncated_normal VarianceScaling is nominal', () => {
    const truncated = variance('truncatedNormal', KERAS);
    assert.ok(Math.abs(truncated / (0.05 * 0.05 * TRUNCATION_FACTOR) - 1) < 1e-12);
    const untruncated = initializerVariance(
      {
        kind: 'call',
        path: 'initializers.varianceScaling',
        args: [toValue({ scale: 2, distribution: 'untruncated_normal' })],
        text: 'VarianceScaling(2.0, distribution="untruncated_normal")',
      },
      'glorotUniform',
      fans,
      KERAS,
    );
    assert.ok(!('error' in untruncated) && untruncated.variance === 2 / 300);
  });

  it("a Keras ReLU stack's first-layer ratio differs from the same model under tfjs's default", () => {
    const layers = [
      { factory: 'dense', config: { units: 128, activation: 'relu', inputShape: [128] } },
      ...Array.from({ length: 8 }, () => ({
        factory: 'dense',
        config: { units: 128, activation: 'relu' },
      })),
      { factory: 'dense', config: { units: 10 } },
    ];
    const tfjsModel = sequentialModel(layers, 'meanSquaredError');
    const kerasModel = { ...tfjsModel, framework: 'keras' as const };
    const first = (m: typeof tfjsModel) => estimateGradients(m).layers[0];
    assert.match(first(kerasModel).details!.initializer, /^glorotUniform/);
    assert.match(first(tfjsModel).details!.initializer, /^glorotNormal/);
    // glorot_uniform's variance is 1/0.774 of glorotNormal's: the ReLU signal shrinks less per layer.
    assert.ok(first(kerasModel).relative! > 2 * first(tfjsModel).relative!);
  });
});
