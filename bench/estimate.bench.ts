/**
 * The static estimate's cost against one real measurement of the same model (tfjs variableGrads,
 * cpu backend, batch 32) in the same run: the estimate runs on every hover and inline hint, so it
 * must stay a small fraction of a probe. Also its cost on a 1000-class softmax output (Monte Carlo).
 */
import * as tf from '@tensorflow/tfjs';
import { estimateGradients } from '../src/estimate';
import { sequentialModel } from '../test/estimate/ir-builder';
import { measureRatios, mlpConfigs, type MlpSpec } from '../test/estimate/measure';

function time(run: () => void, repeats: number): number {
  const start = performance.now();
  for (let i = 0; i < repeats; i++) run();
  return (performance.now() - start) / repeats;
}

export async function bench(): Promise<void> {
  await tf.setBackend('cpu');
  const spec: MlpSpec = {
    depth: 20,
    width: 128,
    inputDim: 64,
    outputUnits: 10,
    activation: 'tanh',
    outputActivation: 'linear',
    loss: 'meanSquaredError',
    batch: 32,
  };
  const ir = sequentialModel(
    mlpConfigs(spec).map((config) => ({ factory: 'dense', config })),
    spec.loss,
  );
  const cold = time(() => estimateGradients(ir, { batchSize: 32 }), 1);
  const warm = time(() => estimateGradients(ir, { batchSize: 32 }), 20);
  measureRatios(spec, 1); // warm-up
  const measured = time(() => measureRatios(spec, 2), 3);
  console.log(
    `20x128 tanh MLP: estimate ${warm.toFixed(1)} ms (first call ${cold.toFixed(1)} ms, builds the quadrature rule)`,
  );
  console.log(`  one tfjs variableGrads measurement (cpu, batch 32): ${measured.toFixed(1)} ms`);
  console.log(`  ratio estimate / measurement: ${(warm / measured).toFixed(3)}`);

  const classifier = sequentialModel(
    [
      { factory: 'dense', config: { units: 256, activation: 'relu', inputShape: [100] } },
      { factory: 'dense', config: { units: 256, activation: 'relu' } },
      { factory: 'dense', config: { units: 1000, activation: 'softmax' } },
    ],
    'categoricalCrossentropy',
  );
  const softmax = time(() => estimateGradients(classifier, { batchSize: 32 }), 5);
  console.log(`3-layer classifier, 1000-class softmax output: estimate ${softmax.toFixed(1)} ms`);
  console.log(`  ratio to the 20-layer MLP estimate: ${(softmax / warm).toFixed(2)}`);
}
