/**
 * `npm run calibrate`: generates the sweep's models as tfjs source, lints each with the default rules, probes it
 * with the real engine over several steps, and writes per rule its false alarms and misses to
 * calibration/results.md and results.json. Seeded: the same command gives the same cases.
 *   node --import tsx calibration/run.ts [--quick] [--seed N] [--only REGEX]
 * --only keeps the cases whose id matches REGEX (while iterating on a few families); like --quick, it writes its
 * results to /tmp, never over the committed ones. --only REGEX --merge re-measures those cases and replaces them
 * in the committed results (the summary recomputed over all cases), the re-measured part named in the header:
 * for a change that concerns only those cases' rule, when the full sweep is too long to re-run.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../src/analysis';
import { lintText } from '../src/lint';
import { estimateGradients } from '../src/estimate';
import { loadTf } from '../test/fixtures/probe/tf';
import { generateCases, type Case } from './families';
import { BATCH, measureCase, type Measured } from './measure';
import { JUDGES, healthy } from './judge';
import { mergeRemeasured, type Committed, type Meta } from './merge';
import { summarize, renderMarkdown, type CaseResult } from './report';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const seedAt = args.indexOf('--seed');
  const seed = seedAt >= 0 ? Number(args[seedAt + 1]) : 1;
  const counts = quick
    ? { dense: 20, residual: 4, recurrent: 10, optimizer: 10, recurrentKernel: 10 }
    : { dense: 240, residual: 12, recurrent: 60, optimizer: 100, recurrentKernel: 90 };
  const onlyAt = args.indexOf('--only');
  const only = onlyAt >= 0 ? new RegExp(args[onlyAt + 1] ?? '') : null;
  const generated = generateCases({ seed, ...counts });
  const cases = generated.filter((c) => !only || only.test(c.id));
  const { tf, backend } = await loadTf();
  const started = Date.now();
  const results: CaseResult[] = [];
  for (const [i, c] of cases.entries()) {
    const result = await runCase(tf, c);
    results.push(result);
    const m = result.measured;
    process.stderr.write(
      `[${i + 1}/${cases.length}] ${c.id}: ${m ? `${m.verdict}${m.stable ? '' : ' unstable'}${m.temporalRatio !== undefined ? ` t=${m.temporalRatio.toExponential(1)}` : ''}` : result.error} | ${result.warnings.join(',') || '-'}\n`,
    );
  }
  const minutes = (Date.now() - started) / 60000;
  const merge = args.includes('--merge') && only !== null && !quick;
  let meta: Meta = {
    seed,
    quick,
    ...(only ? { only: only.source } : {}),
    cases: cases.length,
    backend,
    minutes,
  };
  let all = results;
  let summary = summarize(all);
  if (merge) {
    const committed = JSON.parse(
      readFileSync(join(__dirname, 'results.json'), 'utf8'),
    ) as Committed;
    ({
      meta,
      summary,
      results: all,
    } = mergeRemeasured(committed, generated, {
      only: only.source,
      cases,
      results,
      date: new Date().toISOString().slice(0, 10),
      minutes,
    }));
  }
  const dir = (quick || only) && !merge ? '/tmp' : join(__dirname);
  writeFileSync(
    join(dir, 'results.json'),
    JSON.stringify({ meta, summary, results: all }, null, 1) + '\n',
  );
  writeFileSync(join(dir, 'results.md'), renderMarkdown(meta, summary, all));
  process.stdout.write(renderMarkdown(meta, summary, all).split('\n## Cases')[0] + '\n');
}

async function runCase(tf: Awaited<ReturnType<typeof loadTf>>['tf'], c: Case): Promise<CaseResult> {
  const lint = lintText(c.source, 'case.ts');
  const warnings = lint.messages.filter((m) => m.severity !== 'info').map((m) => m.ruleId);
  const hints = lint.messages.filter((m) => m.severity === 'info').map((m) => m.ruleId);
  const base = {
    id: c.id,
    family: c.family,
    warnings: [...new Set(warnings)],
    hints: [...new Set(hints)],
    messages: [...new Set(lint.messages.map((m) => `${m.ruleId}: ${m.message}`))],
  };
  const model = analyze(c.source, 'case.ts').models[0];
  if (!model) return { ...base, measured: null, error: 'no model extracted' };
  try {
    const measured: Measured = await measureCase(tf, model, c.steps);
    const estimate = estimateGradients(model, { batchSize: BATCH }).layers.filter(
      (l) => l.relative !== null,
    );
    if (measured.outputGradNorm)
      measured.outputGradNorm.estimated = estimate.at(-1)?.gradNorm ?? null;
    return { ...base, measured, remedyHealthy: await remedies(tf, c, base.warnings, measured) };
  } catch (error) {
    return {
      ...base,
      measured: null,
      error: error instanceof Error ? error.message : String(error),
    };
  }
}

/** Probes the remedy of each rule whose problem the case shows without that rule's warning. */
async function remedies(
  tf: Awaited<ReturnType<typeof loadTf>>['tf'],
  c: Case,
  warnings: string[],
  measured: Measured,
): Promise<Record<string, boolean>> {
  const result: Record<string, boolean> = {};
  for (const [ruleId, source] of Object.entries(c.remedies)) {
    const judge = JUDGES[ruleId];
    if (!judge || warnings.includes(ruleId) || !judge.subject(c) || !judge.problem(measured))
      continue;
    const model = analyze(source, 'remedy.ts').models[0];
    if (!model) continue;
    try {
      result[ruleId] = healthy(await measureCase(tf, model, c.steps));
    } catch {
      // A remedy that cannot be probed leaves the case counted as a miss.
    }
  }
  return result;
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : error}\n`);
  process.exit(2);
});
