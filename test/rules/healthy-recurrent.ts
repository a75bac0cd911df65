/**
 * A deep recurrent model set up the way the recurrence and training-setup rules recommend: every one of
 * those rules must stay silent on it. Shared by their tests.
 */
export const HEALTHY_RECURRENT_MODEL = `import * as tf from '@tensorflow/tfjs';

const STEPS = 120;
const FEATURES = 8;

export function buildForecaster(): tf.LayersModel {
  const input = tf.input({ shape: [STEPS, FEATURES] });
  let x: tf.SymbolicTensor = input;
  for (let i = 0; i < 4; i++) {
    x = tf.layers
      .lstm({ units: 64, returnSequences: true, unitForgetBias: true, recurrentInitializer: 'orthogonal' })
      .apply(x) as tf.SymbolicTensor;
  }
  x = tf.layers.bidirectional({ layer: tf.layers.gru({ units: 32 }) }).apply(x) as tf.SymbolicTensor;
  const probs = tf.layers.dense({ units: 5, activation: 'softmax' }).apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: probs });
  model.compile({ optimizer: tf.train.adam(0.001), loss: 'categoricalCrossentropy' });
  const applyUnclipped = model.optimizer.applyGradients.bind(model.optimizer);
  model.optimizer.applyGradients = (grads) => {
    const clipped = tf.tidy(() => {
      const named = Array.isArray(grads) ? grads : Object.entries(grads).map(([name, tensor]) => ({ name, tensor }));
      const globalNorm = tf.sqrt(tf.addN(named.map((g) => tf.sum(tf.square(g.tensor)))));
      const scale = tf.div(1, tf.maximum(globalNorm, 1));
      return named.map((g) => ({ name: g.name, tensor: tf.mul(g.tensor, scale) }));
    });
    applyUnclipped(clipped);
    tf.dispose(clipped.map((g) => g.tensor));
  };
  return model;
}

export async function train(xs: tf.Tensor, ys: tf.Tensor) {
  const model = buildForecaster();
  await model.fit(xs, ys, { epochs: 10, batchSize: 32 });
}
`;
