/** Shared by the report tests: real probe reports (from the probe CLI) and a hostile variant. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { ProbeReport } from '../../src/probe/types';
import type { LintMessage } from '../../src/rules/types';

const root = join(__dirname, '..', '..');

/** Reports written by `gradient-lens probe --format json` on the bundled examples. */
export function fixtureReport(
  name:
    | 'deep-sigmoid-mlp'
    | 'healthy-mlp'
    | 'high-learning-rate'
    | 'deep-sigmoid-8'
    | 'deep-sigmoid-8-batchnorm'
    | 'recurrent-120-steps',
): ProbeReport {
  return JSON.parse(
    readFileSync(join(__dirname, 'fixtures', `${name}.json`), 'utf8'),
  ) as ProbeReport;
}

export const XSS = '<img src=x onerror=alert(1)>';

/** A report whose every user-controlled string tries to break out of the page. */
export function hostileReport(): ProbeReport {
  const report = fixtureReport('deep-sigmoid-mlp');
  report.model.name = `</script><script>alert(2)</script>`;
  report.model.source = `"><svg onload=alert(3)>.js`;
  report.layers[0].name = XSS;
  report.layers[1].className = `<iframe src="javascript:alert(4)">`;
  report.layers[2].activation = `" onmouseover="alert(5)`;
  report.layers[0].estimateNote = `"><img src=y onerror=alert(6)>`;
  report.assumptions.push(`<script>alert(7)</script>`);
  report.verdictReason = `<b onclick=alert(8)>bold</b>`;
  return report;
}

export function findingsFor(report: ProbeReport): LintMessage[] {
  const span = {
    start: 120,
    end: 160,
    line: report.layers[0].line ?? 1,
    column: 3,
    endLine: 1,
    endColumn: 40,
  };
  return [
    {
      ruleId: 'saturating-activation',
      messageId: 'deep',
      message: `Layer ${XSS} uses sigmoid in a deep stack`,
      span,
      model: report.model.name,
      layerIndex: 0,
      severity: 'warning',
      fixes: [
        {
          title: "Use 'relu' with heNormal",
          edits: [{ start: 120, end: 129, text: "'relu'" }],
          preferred: true,
        },
        {
          title: `Use 'tanh' ${XSS}`,
          edits: [{ start: 120, end: 129, text: "'tanh'" }],
          preferred: false,
        },
      ],
    },
    {
      ruleId: 'missing-clipping',
      messageId: 'x',
      message: 'No fix here',
      span: { ...span, start: 300 },
      model: 'm',
      severity: 'info',
      fixes: [],
    },
  ];
}

/** Builds dist/media exactly as scripts/build.mjs does for the report entry (no other bundles). */
export async function buildMedia(): Promise<string> {
  await build({
    bundle: true,
    sourcemap: true,
    logLevel: 'warning',
    absWorkingDir: root,
    entryPoints: [{ in: 'media/src/report.ts', out: 'report' }],
    outdir: 'dist/media',
    platform: 'browser',
    target: 'es2020',
    format: 'iife',
  });
  return join(root, 'dist', 'media');
}
