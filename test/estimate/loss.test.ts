import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { outputDeltaMoments } from '../../src/estimate/loss';

const state = (variance: number, units: number) => ({
  mean: 0,
  variance,
  covariance: variance * 0.9,
  units,
});

describe('softmax cross-entropy moments', () => {
  it('are the same when asked again, whatever the caller did with the first answer', () => {
    const first = outputDeltaMoments('categorical', 'softmax', state(2.5, 1000));
    assert.ok(!('error' in first));
    const copy = { ...first };
    first.self = -1;
    assert.deepEqual(outputDeltaMoments('categorical', 'softmax', state(2.5, 1000)), copy);
  });

  it('kept answers equal fresh samples (after the state left the cache)', () => {
    const kept = outputDeltaMoments('categorical', 'softmax', state(0.7, 30));
    for (let i = 0; i < 100; i++) outputDeltaMoments('categorical', 'softmax', state(1 + i, 10));
    assert.deepEqual(outputDeltaMoments('categorical', 'softmax', state(0.7, 30)), kept);
  });

  it('differ between output states', () => {
    const a = outputDeltaMoments('categorical', 'softmax', state(0.1, 10));
    const b = outputDeltaMoments('categorical', 'softmax', state(4, 10));
    assert.notDeepEqual(a, b);
  });
});
