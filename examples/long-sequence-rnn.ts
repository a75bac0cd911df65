// A plain recurrent network reading 200 time steps.
// Gradient problem: simpleRNN multiplies the same recurrent Jacobian once per step, so over 200 steps
// gradients vanish (or explode) unless the recurrence is gated (LSTM/GRU) and gradients are clipped.
import * as tf from '@tensorflow/tfjs';

const TIME_STEPS = 200;
const FEATURES = 8;

export function sequenceClassifier(units = 32): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.simpleRNN({ units, inputShape: [TIME_STEPS, FEATURES] }),
      tf.layers.dense({ units: 1, activation: 'sigmoid' }),
    ],
  });
}

export async function train(xs: tf.Tensor3D, ys: tf.Tensor2D): Promise<void> {
  const model = sequenceClassifier();
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  await model.fit(xs, ys, { epochs: 10, batchSize: 32 });
}
