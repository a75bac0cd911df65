/**
 * The probe's cost, as ratios measured in this run:
 * 1. its measurement time (engine, in this process) against a plain tfjs script doing the same
 *    `tf.variableGrads` on the same model and batch (target <= 1.15), on wasm and on cpu;
 * 2. the child process's start-up overhead (spawn + tfjs load + backend init), reported apart;
 * 3. wasm against cpu.
 */
import { analyze } from '../src/analysis';
import { loadBackend, type TfModule } from '../src/probe/backend';
import { runProbe } from '../src/probe/client';
import { probeModel } from '../src/probe/engine';
import type { ProbeRequest } from '../src/probe/types';

const DEPTH = 10;
const WIDTH = 256;
const BATCH = 32;
const ROUNDS = 7;

const source = `
import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({ units: ${WIDTH}, activation: 'sigmoid', inputShape: [${WIDTH}] }));
for (let i = 1; i < ${DEPTH}; i++) model.add(tf.layers.dense({ units: ${WIDTH}, activation: 'sigmoid' }));
model.compile({ optimizer: tf.train.sgd(0.01), loss: 'meanSquaredError' });
`;

export async function bench(): Promise<void> {
  const request = probeRequest();
  const { tf } = await loadBackend({
    choice: 'wasm',
    allowProjectTfjs: false,
    searchFrom: __dirname,
  });
  console.log(
    `model: ${DEPTH}-layer ${WIDTH}-wide sigmoid MLP, batch ${BATCH}; median of ${ROUNDS} rounds`,
  );

  const perBackend: Record<string, { plain: number; probe: number }> = {};
  // Other work on a shared machine only ever adds time, so the best round is reported beside the median.
  for (const backend of ['wasm', 'cpu'] as const) {
    await tf.setBackend(backend);
    await tf.ready();
    const plain: number[] = [];
    const probe: number[] = [];
    // Interleaved, one fresh model each time, after one untimed warm-up of each.
    for (let round = -1; round < ROUNDS; round++) {
      const plainMs = plainVariableGrads(tf);
      const report = await probeModel(tf, request, backend);
      if (round < 0) continue;
      plain.push(plainMs);
      probe.push(report.timings.probeMs);
    }
    perBackend[backend] = { plain: median(plain), probe: median(probe) };
    const { plain: p, probe: q } = perBackend[backend];
    const best = Math.min(...probe) / Math.min(...plain);
    console.log(
      `${backend}: plain variableGrads ${p.toFixed(1)} ms, probe measurement ${q.toFixed(1)} ms, ` +
        `ratio ${(q / p).toFixed(2)} median, ${best.toFixed(2)} best rounds (target <= 1.15)`,
    );
  }
  console.log(
    `wasm vs cpu: plain ${(perBackend.cpu.plain / perBackend.wasm.plain).toFixed(2)}x faster on wasm, ` +
      `probe ${(perBackend.cpu.probe / perBackend.wasm.probe).toFixed(2)}x faster on wasm`,
  );
  await startupOverhead(request);
}

/** The baseline a user would write: fresh model, one batch, gradients, their norms read back. */
function plainVariableGrads(tf: TfModule): number {
  const model = tf.sequential();
  for (let i = 0; i < DEPTH; i++) {
    model.add(
      tf.layers.dense({
        units: WIDTH,
        activation: 'sigmoid',
        ...(i === 0 ? { inputShape: [WIDTH] } : {}),
      }),
    );
  }
  const xs = tf.randomNormal([BATCH, WIDTH]);
  const ys = tf.randomNormal([BATCH, WIDTH]);
  const started = performance.now();
  const { value, grads } = tf.variableGrads(
    () =>
      tf.losses.meanSquaredError(
        ys,
        model.predict(xs) as ReturnType<TfModule['randomNormal']>,
      ) as never,
    model.trainableWeights.map((w) => w.read() as never),
  );
  const norms = Object.values(grads).map((g) => tf.norm(g));
  tf.stack(norms).dataSync();
  value.dataSync();
  const elapsed = performance.now() - started;
  tf.dispose([value, xs, ys, ...Object.values(grads), ...norms]);
  model.dispose();
  return elapsed;
}

/** Wall time of a whole out-of-process probe minus the work the engine itself reports. */
async function startupOverhead(request: ProbeRequest): Promise<void> {
  const overheads: number[] = [];
  const loads: number[] = [];
  const walls: number[] = [];
  for (let round = 0; round < 3; round++) {
    const started = performance.now();
    const report = await runProbe(request, {
      backend: 'wasm',
      allowProjectTfjs: false,
      searchFrom: __dirname,
      timeoutMs: 120_000,
      maxHeapMb: 2048,
      // A fresh process each round: this line measures start-up (probe-warm.bench.ts measures the warm one).
      idleMs: 0,
    });
    const wall = performance.now() - started;
    walls.push(wall);
    loads.push(report.timings.loadMs);
    overheads.push(wall - report.timings.buildMs - report.timings.probeMs);
  }
  const wall = median(walls);
  console.log(
    `process: whole probe ${wall.toFixed(0)} ms, of which start-up overhead ${median(overheads).toFixed(0)} ms ` +
      `(tfjs load + wasm init inside the child ${median(loads).toFixed(0)} ms); ` +
      `overhead share ${(median(overheads) / wall).toFixed(2)}`,
  );
}

function probeRequest(): ProbeRequest {
  const [model] = analyze(source, 'bench-model.ts').models;
  if (!model) throw new Error('the bench model was not extracted');
  return {
    target: { kind: 'ir', model, filePath: 'bench-model.ts' },
    values: {},
    batchSize: BATCH,
    steps: 1,
    seed: 1,
    thresholds: { vanishingRatio: 1e-3, explodingRatio: 70 },
    maxParams: 5e7,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
