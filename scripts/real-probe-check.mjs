// One-click probe rate and warnings on healthy models, measured on real projects as a newcomer meets them:
//   node scripts/real-probe-check.mjs GIT_DIR... [--labels FILE [--limit N] [--skip N]] [--max-models N] [--json] [--verbose]
// (run from the repo root after `node scripts/build.mjs`; it runs bin/gradient-lens.js as a user would).
// Each GIT_DIR (a mirror's repo or repo/.git, bare or not) has its HEAD checked out into a temp dir (source
// files only, removed after); --labels FILE takes the repositories of a labels file
// (calibration/real-projects/labels.json or keras-labels.json) mirrored under /work/.mirror instead.
// Per repository: `gradient-lens models DIR --format json`, `gradient-lens lint DIR --format json`, then
// `gradient-lens probe FILE <probeArgs> --format json` for every model with layers. Prints the one-click
// rate (a verdict with no --set), the models that wait for values and the probe failures (with their
// messages), and the warning-level findings on models the probe measures healthy (rules in CATEGORICAL
// exempt, as the official-examples check does). --verbose lists every model's outcome.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';

const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const valued = new Set(['--labels', '--limit', '--skip', '--timeout', '--max-models']);
const dirs = args.filter((a, i) => !a.startsWith('--') && !valued.has(args[i - 1]));
const asJson = args.includes('--json');
const verbose = args.includes('--verbose');
const probeTimeout = Number(opt('--timeout') ?? 120);
// A repository of hundreds of scripts: its first N models with layers (file order) stand for it.
const maxModels = Number(opt('--max-models') ?? Infinity);
const CATEGORICAL = new Set(
  (process.env.CATEGORICAL || 'rnn-without-clipping,simple-rnn-long-sequence').split(','),
);
const MIRROR = process.env.MIRROR_ROOT || '/work/.mirror';

if (opt('--labels')) {
  const labels = JSON.parse(readFileSync(opt('--labels'), 'utf8'));
  const repos = [...new Set((labels.files || []).map((f) => f.repo))].sort();
  const skip = Number(opt('--skip') ?? 0);
  const limit = Number(opt('--limit') ?? repos.length);
  for (const r of repos.slice(skip, skip + limit)) {
    const base = join(MIRROR, r.replace('/', '+'), 'repo');
    if (existsSync(join(base, '.git'))) dirs.push(join(base, '.git'));
    else if (existsSync(base)) dirs.push(base);
  }
}
if (!dirs.length) {
  console.error(
    'usage: node scripts/real-probe-check.mjs GIT_DIR... [--labels FILE [--limit N] [--skip N]] [--json] [--verbose]',
  );
  process.exit(2);
}

const SOURCE = /\.(js|ts|mjs|cjs|jsx|tsx|html?|vue|svelte|py)$/;
const CONFIG = /(^|\/)(package|[tj]sconfig(\.[\w-]+)?)\.json$/;
// GL_CLI: another build's bin/gradient-lens.js (a baseline to compare with); else this checkout's.
const cli = [resolve(process.env.GL_CLI || join('bin', 'gradient-lens.js'))];

/** HEAD's source files into a temp dir; a blob the snapshot lacks (size "-" or "BAD") is left out. */
function checkout(gitDir) {
  const root = mkdtempSync(join(tmpdir(), 'gl-real-probe-'));
  const names = execFileSync('git', ['-C', gitDir, 'ls-tree', '-r', '-l', 'HEAD'], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  })
    .split('\n')
    .map((line) => /^\S+ blob \S+\s+(\d+)\t(.*)$/.exec(line))
    .filter((m) => m !== null && Number(m[1]) < 2_000_000)
    .map((m) => m[2])
    .filter((n) => (SOURCE.test(n) || CONFIG.test(n)) && !n.includes('node_modules/'));
  if (names.length) {
    const tar = execFileSync('git', ['-C', gitDir, 'archive', 'HEAD', '--', ...names], {
      maxBuffer: 1 << 30,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    spawnSync('tar', ['-x', '-C', root], { input: tar, stdio: ['pipe', 'ignore', 'ignore'] });
  }
  return root;
}

function run(cliArgs, timeout, cwd) {
  const r = spawnSync(process.execPath, [...cli, ...cliArgs], {
    encoding: 'utf8',
    maxBuffer: 256 << 20,
    timeout: timeout * 1000,
    cwd,
  });
  return {
    status: r.status,
    stdout: r.stdout || '',
    stderr: (r.stderr || '').trim(),
    timedOut: r.error?.code === 'ETIMEDOUT',
  };
}

/** The last meaningful line of a failure's stderr (a stack's first line, not its frames). */
function message(stderr) {
  const lines = stderr.split('\n').filter((l) => l.trim() && !/^\s+at /.test(l));
  return (lines.find((l) => /^(gradient-lens|error|Error)/i.test(l)) ?? lines.at(-1) ?? '').slice(
    0,
    300,
  );
}

function checkRepo(gitDir) {
  const name = gitDir
    .replace(/\/(repo)?(\/\.git)?\/?$/, '')
    .split('/')
    .pop()
    .replace('+', '/');
  const root = checkout(gitDir);
  const out = { repo: name, models: 0, withLayers: 0, oneClick: 0, needValues: 0, failed: 0 };
  out.healthy = 0;
  out.healthyWarned = 0;
  out.warningsOnHealthy = 0;
  out.outcomes = [];
  try {
    const m = run(['models', root, '--format', 'json'], 600, root);
    let files = [];
    try {
      files = JSON.parse(m.stdout);
    } catch {
      out.error = `models gave no JSON: ${message(m.stderr)}`;
      return out;
    }
    const lint = run(['lint', root, '--format', 'json'], 600, root);
    let lintFiles = [];
    try {
      lintFiles = JSON.parse(lint.stdout);
    } catch {
      out.lintError = message(lint.stderr);
    }
    const warningsOf = new Map(
      lintFiles.map((lf) => [
        relative(root, resolve(lf.filePath)),
        // A parse error (no ruleId) is the file's own syntax, not a claim about gradients.
        (lf.messages || []).filter(
          (w) => w.ruleId && (w.severity === 'warning' || w.severity === 'error'),
        ),
      ]),
    );
    for (const f of files) {
      const rel = relative(root, resolve(root, f.file));
      const ms = f.models || [];
      for (const model of ms) {
        out.models++;
        const layers = model.layers || [];
        if (!layers.length || out.withLayers >= maxModels) continue;
        out.withLayers++;
        const unique = model.name && ms.filter((o) => o.name === model.name).length === 1;
        const select = Array.isArray(model.probeArgs)
          ? model.probeArgs.map(String)
          : unique
            ? ['--model', model.name]
            : ['--line', String(model.line)];
        const p = run(
          [
            'probe',
            join(root, rel),
            ...select,
            '--format',
            'json',
            '--timeout',
            String(probeTimeout),
          ],
          probeTimeout + 30,
          root,
        );
        let rep = null;
        try {
          rep = JSON.parse(p.stdout);
        } catch {
          /* a failure: below */
        }
        const at = `${rel}:${model.line} ${select.join(' ')}`;
        if (rep && rep.verdict) {
          out.oneClick++;
          const lines = new Set(layers.map((l) => l.line));
          const end = Math.max(
            ...layers.map((l) => l.endLine || l.line),
            model.endLine || model.line,
          );
          const ws = (warningsOf.get(rel) || []).filter(
            (w) =>
              !CATEGORICAL.has(w.ruleId) &&
              (lines.has(w.line) || (w.line >= model.line && w.line <= end)),
          );
          const o = { at, outcome: rep.verdict };
          if (rep.verdict === 'healthy') {
            out.healthy++;
            if (ws.length) {
              out.healthyWarned++;
              out.warningsOnHealthy += ws.length;
              o.warnings = ws.map((w) => `${w.ruleId}@${w.line}: ${w.message}`);
            }
          }
          out.outcomes.push(o);
        } else if (/needs values|--set/.test(p.stderr)) {
          out.needValues++;
          out.outcomes.push({ at, outcome: 'needs-values', message: message(p.stderr) });
        } else {
          out.failed++;
          out.outcomes.push({
            at,
            outcome: 'failed',
            message: p.timedOut
              ? `timed out after ${probeTimeout + 30}s`
              : message(p.stderr) || `exit ${p.status}`,
          });
        }
      }
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return out;
}

const results = [];
for (const d of dirs) {
  const r = checkRepo(d);
  results.push(r);
  if (!asJson) {
    const pct = r.withLayers ? ((100 * r.oneClick) / r.withLayers).toFixed(0) : '-';
    console.log(
      `${r.repo}: one-click ${r.oneClick}/${r.withLayers} (${pct}%), ${r.needValues} need values, ${r.failed} fail; ${r.warningsOnHealthy} warnings on ${r.healthyWarned}/${r.healthy} healthy${r.error ? `; ${r.error}` : ''}`,
    );
    for (const o of r.outcomes) {
      if (o.outcome === 'failed' || o.outcome === 'needs-values' || o.warnings || verbose)
        console.log(
          `  ${o.at}: ${o.outcome}${o.message ? ` — ${o.message}` : ''}${o.warnings ? `\n    ${o.warnings.join('\n    ')}` : ''}`,
        );
    }
  }
}
const sum = (k) => results.reduce((a, r) => a + r[k], 0);
const total = {
  repos: results.length,
  withLayers: sum('withLayers'),
  oneClick: sum('oneClick'),
  needValues: sum('needValues'),
  failed: sum('failed'),
  healthy: sum('healthy'),
  healthyWarned: sum('healthyWarned'),
  warningsOnHealthy: sum('warningsOnHealthy'),
};
if (asJson) console.log(JSON.stringify({ total, results }, null, 2));
else
  console.log(
    `TOTAL ${total.repos} repos: one-click ${total.oneClick}/${total.withLayers} (${total.withLayers ? ((100 * total.oneClick) / total.withLayers).toFixed(0) : '-'}%), ${total.needValues} need values, ${total.failed} fail; ${total.warningsOnHealthy} warnings on ${total.healthyWarned}/${total.healthy} healthy models`,
  );
