import { readFileSync } from 'node:fs';
import { analyze } from '../src/analysis/index.ts';
for (const f of process.argv.slice(2)) {
  const r = analyze(readFileSync(f, 'utf8'), f);
  console.log(f, r.importsTfjs, r.problems.map((p) => p.message));
  for (const m of r.models) console.log(' ', m.name, m.variant?.id ?? '', m.training.trained ? 'trained' : '', m.layers.map((l) => l.factory + JSON.stringify(Object.fromEntries(Object.entries(l.config.props).map(([k, p]) => [k, p.value.kind === 'unknown' ? '?' + p.value.text : p.value.value ?? p.value.kind])))).join(' '), (m.bases ?? []).map((b) => JSON.stringify(b.url)+b.truncatedAt));
}
