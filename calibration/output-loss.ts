/**
 * `npm run calibrate:output-loss`: does a sigmoid or softmax output trained with meanSquaredError learn measurably
 * slower than the same model, from the same initial weights, trained with cross-entropy? Each case is trained
 * both ways on a learnable task (labels from a fixed random teacher network), and the held-out accuracy and
 * cross-entropy after a fixed number of steps are compared, beside the output's logit spread at initialisation
 * (measured, and as the static estimate predicts it: the number saturating-output-loss decides from).
 * Each case is also linted as written with its optimizer: the table says whether saturating-output-loss warns.
 * Writes calibration/output-loss.md and output-loss.json. Seeded. --render re-lints and rewrites the page from
 * the stored JSON (after a threshold change) without training again.
 *   node --import tsx calibration/output-loss.ts [--steps N] [--render]
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LayersModel, Tensor } from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { analyze } from '../src/analysis';
import { lintText } from '../src/lint';
import { estimateGradients } from '../src/estimate';
import { buildFromIr } from '../src/probe/build';
import { PROBE_DEFAULTS } from '../src/probe/defaults';
import { loadTf, type Tf } from '../test/fixtures/probe/tf';

const FEATURES = 16;
const BATCH = 32;
const HELD_OUT = 512;
/** Adam at tfjs's default rate rescales small gradients; plain SGD feeds the output's derivative straight through. */
const OPTIMIZERS = { adam: 0.001, sgd: 0.1 } as const;
type OptimizerName = keyof typeof OPTIMIZERS;

/** MSE is "measurably slower" when its held-out accuracy trails cross-entropy's by this much (5 points). */
export const MATERIAL_GAP = 0.05;

interface Spec {
  output: 'sigmoid' | 'softmax';
  depth: number;
  activation: 'relu' | 'tanh';
  /** Standard deviation of the output kernel; null for tfjs's default glorotNormal. */
  outputStddev: number | null;
  optimizer: OptimizerName;
}

export interface OutputLossCase {
  id: string;
  spec: Spec;
  /** Standard deviation of the output pre-activations over the held-out set at initialisation. */
  measuredSpread: number;
  /** The static estimate's output pre-activation standard deviation. */
  estimatedSpread: number | null;
  /** Fraction of held-out outputs whose derivative p(1 - p) is below 0.01 at initialisation. */
  saturated: number;
  mse: { accuracy: number; crossEntropy: number };
  crossEntropy: { accuracy: number; crossEntropy: number };
}

function source(spec: Spec): string {
  const classes = spec.output === 'sigmoid' ? 1 : 10;
  const lines = ["import * as tf from '@tensorflow/tfjs';", 'const model = tf.sequential();'];
  for (let i = 0; i < spec.depth - 1; i++) {
    const shape = i === 0 ? `inputShape: [${FEATURES}], ` : '';
    lines.push(
      `model.add(tf.layers.dense({${shape}units: 32, activation: '${spec.activation}', kernelInitializer: '${spec.activation === 'relu' ? 'heNormal' : 'glorotNormal'}'}));`,
    );
  }
  const init =
    spec.outputStddev === null
      ? ''
      : `, kernelInitializer: tf.initializers.randomNormal({mean: 0, stddev: ${spec.outputStddev}})`;
  lines.push(
    `model.add(tf.layers.dense({units: ${classes}, activation: '${spec.output}'${init}}));`,
  );
  lines.push(
    `model.compile({optimizer: tf.train.${spec.optimizer}(${OPTIMIZERS[spec.optimizer]}), loss: 'meanSquaredError'});`,
  );
  return lines.join('\n') + '\n';
}

function specs(): Spec[] {
  const result: Spec[] = [];
  for (const output of ['sigmoid', 'softmax'] as const)
    for (const depth of [2, 4])
      for (const activation of ['relu', 'tanh'] as const)
        for (const outputStddev of [null, 0.3, 1, 3, 10])
          for (const optimizer of ['adam', 'sgd'] as const)
            result.push({ output, depth, activation, outputStddev, optimizer });
  return result;
}

/** Labels of a fixed random two-layer tanh teacher: learnable, not linearly trivial. */
function teacher(tf: Tf, classes: number) {
  const w1 = tf.randomNormal([FEATURES, 32], 0, 1 / Math.sqrt(FEATURES), 'float32', 7);
  const w2 = tf.randomNormal([32, Math.max(classes, 1)], 0, 1 / Math.sqrt(32), 'float32', 8);
  return (x: Tensor) =>
    tf.tidy(() => {
      const logits = tf.matMul(tf.tanh(tf.matMul(x as never, w1)), w2);
      if (classes === 1) return tf.cast(tf.greater(logits, 0), 'float32');
      return tf.oneHot(tf.argMax(logits, 1), classes).toFloat();
    });
}

async function runCase(tf: Tf, spec: Spec, steps: number): Promise<OutputLossCase> {
  const code = source(spec);
  const ir = analyze(code, 'case.ts').models[0]!;
  const estimate = estimateGradients(ir, { batchSize: BATCH });
  const estimatedVariance = estimate.output?.preActivationVariance;
  const classes = spec.output === 'sigmoid' ? 1 : 10;
  const label = teacher(tf, classes);
  const xTest = tf.randomNormal([HELD_OUT, FEATURES], 0, 1, 'float32', 99);
  const yTest = label(xTest);
  const build = () => buildFromIr(tf, ir, { seed: 1, maxParams: PROBE_DEFAULTS.maxParams }).model;
  const first = build();
  const init = evaluate(tf, first, xTest, yTest, spec.output);
  const results = {} as Record<'mse' | 'crossEntropy', { accuracy: number; crossEntropy: number }>;
  for (const loss of ['mse', 'crossEntropy'] as const) {
    const model = loss === 'mse' ? first : build();
    await train(tf, model, label, loss, spec, steps);
    const { accuracy, crossEntropy } = evaluate(tf, model, xTest, yTest, spec.output);
    results[loss] = { accuracy, crossEntropy };
    model.dispose();
  }
  tf.dispose([xTest, yTest]);
  const id = `${spec.output} d${spec.depth} ${spec.activation} out-std ${spec.outputStddev ?? 'default'} ${spec.optimizer}(${OPTIMIZERS[spec.optimizer]})`;
  return {
    id,
    spec,
    measuredSpread: init.spread,
    estimatedSpread: estimatedVariance === undefined ? null : Math.sqrt(estimatedVariance),
    saturated: init.saturated,
    ...results,
  };
}

async function train(
  tf: Tf,
  model: LayersModel,
  label: (x: Tensor) => Tensor,
  loss: 'mse' | 'crossEntropy',
  { output, optimizer: name }: Spec,
  steps: number,
): Promise<void> {
  const rate = OPTIMIZERS[name];
  const optimizer = name === 'adam' ? tf.train.adam(rate) : tf.train.sgd(rate);
  for (let step = 0; step < steps; step++) {
    const x = tf.randomNormal([BATCH, FEATURES], 0, 1, 'float32', 1000 + step);
    const y = label(x);
    optimizer.minimize(() => {
      const p = model.apply(x, { training: true }) as Tensor;
      if (loss === 'mse') return tf.losses.meanSquaredError(y, p) as never;
      return (
        output === 'sigmoid'
          ? tf.metrics.binaryCrossentropy(y, p).mean()
          : tf.metrics.categoricalCrossentropy(y, p).mean()
      ) as never;
    });
    tf.dispose([x, y]);
  }
  optimizer.dispose();
}

function evaluate(tf: Tf, model: LayersModel, x: Tensor, y: Tensor, output: Spec['output']) {
  return tf.tidy(() => {
    const p = model.predict(x) as Tensor;
    const accuracy =
      output === 'sigmoid'
        ? tf.mean(tf.equal(tf.greater(p, 0.5), tf.greater(y, 0.5))).dataSync()[0]!
        : tf.mean(tf.equal(tf.argMax(p, 1), tf.argMax(y, 1))).dataSync()[0]!;
    const clipped = tf.clipByValue(p, 1e-7, 1 - 1e-7);
    const crossEntropy = (
      output === 'sigmoid'
        ? tf.metrics.binaryCrossentropy(y, clipped).mean()
        : tf.metrics.categoricalCrossentropy(y, clipped).mean()
    ).dataSync()[0]!;
    // The output's own pre-activations: the logits (softmax: log p up to a per-row constant).
    const logits =
      output === 'sigmoid'
        ? tf.sub(tf.log(clipped), tf.log(tf.sub(1, clipped)))
        : tf.sub(tf.log(clipped), tf.mean(tf.log(clipped), 1, true));
    const spread = Math.sqrt(tf.moments(logits).variance.dataSync()[0]!);
    const derivative = tf.mul(clipped, tf.sub(1, clipped));
    const saturated = tf.mean(tf.less(derivative, 0.01).toFloat()).dataSync()[0]!;
    return { accuracy, crossEntropy, spread, saturated };
  });
}

/** Whether saturating-output-loss warns on the case's source (its optimizer, meanSquaredError). */
function warns(spec: Spec): boolean {
  return lintText(source(spec), 'case.ts').messages.some(
    (m) => m.ruleId === 'saturating-output-loss' && m.severity !== 'info',
  );
}

function render(cases: OutputLossCase[], steps: number, minutes: number | null): string {
  const f = (n: number | null, d = 2) => (n === null ? 'n/a' : n.toFixed(d));
  const gap = (c: OutputLossCase) => c.crossEntropy.accuracy - c.mse.accuracy;
  const judged = cases.map((c) => ({ c, warned: warns(c.spec), slower: gap(c) >= MATERIAL_GAP }));
  const rows = judged.map(({ c, warned, slower }) => {
    const g = slower ? `**${f(gap(c))}**` : f(gap(c));
    return `| ${c.id} | ${f(c.measuredSpread, 1)} | ${f(c.estimatedSpread, 1)} | ${f(c.saturated)} | ${f(c.mse.accuracy)} | ${f(c.crossEntropy.accuracy)} | ${g} | ${warned ? 'warning' : 'hint'} |`;
  });
  const groups = ['sigmoid', 'softmax'].flatMap((output) =>
    (['adam', 'sgd'] as const).map((optimizer) => {
      const group = judged.filter(
        (j) => j.c.spec.output === output && j.c.spec.optimizer === optimizer,
      );
      const warned = group.filter((j) => j.warned);
      const meanGap = (list: typeof group) =>
        list.length ? list.reduce((sum, j) => sum + gap(j.c), 0) / list.length : null;
      return `| ${output} | ${optimizer}(${OPTIMIZERS[optimizer]}) | ${group.length} | ${group.filter((j) => j.slower).length} | ${warned.length} | ${warned.filter((j) => j.slower).length} | ${group.filter((j) => j.slower && !j.warned).length} | ${f(meanGap(warned))} | ${f(meanGap(group.filter((j) => !j.warned)))} |`;
    }),
  );
  const all = judged.filter((j) => j.warned);
  const timing = minutes === null ? '' : ` (${minutes.toFixed(1)} min)`;
  return [
    '# Sigmoid/softmax outputs under meanSquaredError: measured',
    '',
    `Generated by \`npm run calibrate:output-loss\`: ${cases.length} models (dense, width 32, ${FEATURES} N(0,1) features), each trained twice from the same initial weights for ${steps} steps of batch ${BATCH} (Adam ${OPTIMIZERS.adam} or SGD ${OPTIMIZERS.sgd}) on labels of a fixed random teacher network, once with meanSquaredError and once with cross-entropy; accuracy on ${HELD_OUT} held-out examples${timing}. Spread: standard deviation of the output's logits at initialisation (measured, capped by float32 near 16; and the static estimate's, which the rule reads). Saturated: fraction of held-out outputs with p(1 - p) < 0.01 at initialisation. Gap: cross-entropy's accuracy minus MSE's; **bold** from ${MATERIAL_GAP} (MSE measurably slower). Rule: what saturating-output-loss reports on the case as written.`,
    '',
    '## Summary',
    '',
    `Warnings: ${all.length}, of which MSE was measurably slower in ${all.filter((j) => j.slower).length}; measurably slower cases without a warning: ${judged.filter((j) => j.slower && !j.warned).length} of ${judged.filter((j) => j.slower).length}.`,
    '',
    '| Output | Optimizer | Cases | MSE slower | Warnings | Warnings where slower | Slower, no warning | Mean gap (warned) | Mean gap (hints) |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...groups,
    '',
    '## Cases',
    '',
    '| Case | Spread | Estimated spread | Saturated | MSE accuracy | CE accuracy | Gap | Rule |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...rows,
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--render')) {
    const stored = JSON.parse(readFileSync(join(__dirname, 'output-loss.json'), 'utf8')) as {
      steps: number;
      cases: OutputLossCase[];
    };
    writeFileSync(join(__dirname, 'output-loss.md'), render(stored.cases, stored.steps, null));
    return;
  }
  const stepsAt = args.indexOf('--steps');
  const steps = stepsAt >= 0 ? Number(args[stepsAt + 1]) : 300;
  const { tf } = await loadTf();
  const started = Date.now();
  const cases: OutputLossCase[] = [];
  for (const spec of specs()) {
    const c = await runCase(tf, spec, steps);
    cases.push(c);
    process.stderr.write(
      `${c.id}: spread ${c.measuredSpread.toFixed(1)} est ${c.estimatedSpread?.toFixed(1)} sat ${c.saturated.toFixed(2)} | mse ${c.mse.accuracy.toFixed(2)} ce ${c.crossEntropy.accuracy.toFixed(2)}\n`,
    );
  }
  const minutes = (Date.now() - started) / 60000;
  writeFileSync(
    join(__dirname, 'output-loss.json'),
    JSON.stringify({ steps, cases }, null, 1) + '\n',
  );
  writeFileSync(join(__dirname, 'output-loss.md'), render(cases, steps, minutes));
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : error}\n`);
  process.exit(2);
});
