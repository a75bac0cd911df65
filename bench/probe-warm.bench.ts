/**
 * Repeat probes and first results, through the real probe process (dist/probe-worker.js, wasm), same run:
 * 1. re-probe overhead: wall time minus the engine's own work (build + measurement), for a probe that starts
 *    its process (the baseline: every probe before the process was kept warm) against one on the warm process
 *    (target: at most 300 ms);
 * 2. time to the first result of a large model (one step, batch 4) against the full result of the same probe,
 *    from a cold process (target: first result within 5 s).
 */
import { analyze } from '../src/analysis';
import { runProbe, shutdownProbeWorker } from '../src/probe/client';
import type { ProbeReport, ProbeRequest, ProbeRuntimeOptions } from '../src/probe/types';

const ROUNDS = 5;

const smallSource = `
import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({ units: 256, activation: 'sigmoid', inputShape: [256] }));
for (let i = 1; i < 10; i++) model.add(tf.layers.dense({ units: 256, activation: 'sigmoid' }));
model.compile({ optimizer: tf.train.sgd(0.01), loss: 'meanSquaredError' });
`;

const largeSource = `
import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({ units: 1024, activation: 'relu', inputShape: [1024] }));
for (let i = 1; i < 8; i++) model.add(tf.layers.dense({ units: 1024, activation: 'relu' }));
model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
`;

const runtime: ProbeRuntimeOptions = {
  backend: 'wasm',
  allowProjectTfjs: false,
  searchFrom: __dirname,
  timeoutMs: 300_000,
  maxHeapMb: 4096,
};

export async function bench(): Promise<void> {
  const small = request(smallSource, 32, 1);
  const cold: number[] = [];
  const warm: number[] = [];
  const compute: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    cold.push(overhead(await timed(small, { idleMs: 0 })));
  }
  await timed(small, {}); // starts the warm process
  for (let round = 0; round < ROUNDS; round++) {
    const run = await timed(small, {});
    warm.push(overhead(run));
    compute.push(run.report.timings.buildMs + run.report.timings.probeMs);
  }
  shutdownProbeWorker();
  console.log(
    `re-probe of a 10-layer 256-wide MLP (batch 32; build + measurement ${median(compute).toFixed(0)} ms), median of ${ROUNDS}:`,
  );
  console.log(
    `  overhead beyond the computation: fresh process ${median(cold).toFixed(0)} ms (baseline), ` +
      `warm process ${median(warm).toFixed(0)} ms (target <= 300 ms); ratio warm / fresh ${(median(warm) / median(cold)).toFixed(3)}`,
  );

  const large = request(largeSource, 64, 2);
  let firstMs = NaN;
  let preview: ProbeReport['preview'];
  const started = performance.now();
  const full = await runProbe(large, {
    ...runtime,
    onPartial: (report) => {
      firstMs = performance.now() - started;
      preview = report.preview;
      const t = report.timings;
      console.log(
        `  first result: load ${t.loadMs} ms, build ${t.buildMs} ms, measurement ${t.probeMs} ms`,
      );
    },
  });
  const fullMs = performance.now() - started;
  shutdownProbeWorker();
  console.log(
    `large model (9 dense layers 1024 wide, 8.4M parameters; batch ${full.batchSize}, ${full.steps} steps), cold process:`,
  );
  console.log(
    `  first result ${(firstMs / 1000).toFixed(2)} s (batch ${preview?.batchSize ?? '-'}, ${preview?.steps ?? '-'} step; target <= 5 s), ` +
      `full result ${(fullMs / 1000).toFixed(2)} s; ratio first / full ${(firstMs / fullMs).toFixed(3)}`,
  );
}

async function timed(
  probe: ProbeRequest,
  extra: Partial<ProbeRuntimeOptions>,
): Promise<{ report: ProbeReport; wallMs: number }> {
  const started = performance.now();
  const report = await runProbe(probe, { ...runtime, ...extra });
  return { report, wallMs: performance.now() - started };
}

function overhead(run: { report: ProbeReport; wallMs: number }): number {
  return run.wallMs - run.report.timings.buildMs - run.report.timings.probeMs;
}

function request(source: string, batchSize: number, steps: number): ProbeRequest {
  const [model] = analyze(source, 'bench-model.ts').models;
  if (!model) throw new Error('the bench model was not extracted');
  return {
    target: { kind: 'ir', model, filePath: 'bench-model.ts' },
    values: {},
    batchSize,
    steps,
    seed: 1,
    thresholds: { vanishingRatio: 1e-3, explodingRatio: 70 },
    maxParams: 5e7,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
