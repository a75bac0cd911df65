/**
 * Writes each rule page's `## Options` table from the rule's own option specs and its `## Calibration` section
 * from calibration/results.json, so the documented thresholds and figures are the ones the code and the last
 * sweep use. Run after `npm run calibrate`: node --import tsx calibration/docs.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rules } from '../src/rules';
import type { Rule } from '../src/rules/types';
import type { RuleFigures } from './report';

const root = join(__dirname, '..');
const results = JSON.parse(readFileSync(join(__dirname, 'results.json'), 'utf8')) as {
  meta: { seed: number; cases: number; backend: string };
  summary: RuleFigures[];
};

/** Rules whose warning is calibrated by a measurement of its own, not by the sweep's probe at initialisation. */
const OWN_EVIDENCE: Record<string, string> = {
  'saturating-output-loss':
    'A probe at initialisation cannot show a slowdown of training, so the sweep\'s figures above (warnings on sigmoid outputs under MSE that the probe sees healthy at initialisation) are listed but not held to its targets. The warning is calibrated by training instead: calibration/output-loss.md (see "What the measurement says" above).',
};

for (const rule of rules) {
  const path = join(root, 'docs', 'rules', `${rule.id}.md`);
  let page = readFileSync(path, 'utf8');
  page = replaceSection(page, 'Options', optionsSection(rule));
  const figures = results.summary.find((f) => f.ruleId === rule.id);
  if (figures) page = replaceSection(page, 'Calibration', calibrationSection(figures), 'Options');
  writeFileSync(path, page);
}

function optionsSection(rule: Rule): string {
  const entries = Object.entries(rule.meta.options);
  if (entries.length === 0) return 'This rule has no options.\n';
  const rows = entries.map(
    ([name, spec]) => `| \`${name}\` | ${spec.type} | ${spec.default} | ${spec.description} |`,
  );
  const [first, spec] = entries[0]!;
  const example = JSON.stringify({ rules: { [rule.id]: ['warning', { [first]: spec.default }] } });
  return [
    '| Option | Type | Default | Description |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
    'Example `.gradientlensrc.json`:',
    '',
    '```json',
    example,
    '```',
    '',
  ].join('\n');
}

function calibrationSection(f: RuleFigures): string {
  const pct = (share: number | null) => (share === null ? 'n/a' : `${(share * 100).toFixed(0)}%`);
  const lines = [
    `Measured by \`npm run calibrate\` (calibration/results.md: ${results.meta.cases} generated models, seed ${results.meta.seed}, ` +
      `each linted and probed over several optimizer steps on ${results.meta.backend}). The problem this rule names, as the ` +
      `sweep judges it: ${f.shows}.`,
    '',
    `- Models of the rule's subject: ${f.subjectCases}; warnings: ${f.warnings}; info hints: ${f.hints}.`,
    `- False alarms (warning on a model the probe measures healthy, with stable steps): ${f.falseAlarms} (${pct(f.falseAlarmShare)} of the warnings).`,
    `- Misses (the problem shown, no warning, and the rule's remedy measures healthy): ${f.misses} of ${f.problemCases} problem models (${pct(f.missShare)}).`,
  ];
  if (f.categorical)
    lines.push(
      '',
      OWN_EVIDENCE[f.ruleId] ??
        "A probe at initialisation cannot show this risk, so these figures are listed but not held to the sweep's targets; the rule is kept for what the literature establishes.",
    );
  return lines.join('\n') + '\n';
}

/** Replaces the body of `## title`, or inserts the section after `## after` when the page has none. */
function replaceSection(page: string, title: string, body: string, after?: string): string {
  const heading = `## ${title}\n`;
  const start = page.indexOf(`\n${heading}`);
  if (start >= 0) {
    const bodyStart = start + 1 + heading.length;
    const next = page.indexOf('\n## ', bodyStart);
    const end = next >= 0 ? next + 1 : page.length;
    return `${page.slice(0, bodyStart)}\n${body}\n${page.slice(end)}`;
  }
  if (!after) return page;
  const anchor = page.indexOf(`\n## ${after}\n`);
  const next = page.indexOf('\n## ', anchor + 1);
  const at = next >= 0 ? next + 1 : page.length;
  return `${page.slice(0, at)}${heading}\n${body}\n${page.slice(at)}`;
}
