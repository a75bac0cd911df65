/**
 * What the VS Code client relies on beyond LSP (src/server/protocol.ts), and the workspace index
 * in the server: lint status, details, probe results in hints/hovers/CodeLens, the monitor action,
 * "Lint Workspace", and importers linted again when an imported file changes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type {
  CodeAction,
  CodeLens,
  Diagnostic,
  Hover,
  InlayHint,
  MarkupContent,
} from 'vscode-languageserver/node';
import {
  LINT_DETAILS,
  LINT_FILES,
  LINT_STATUS,
  PROBE_RESULT,
  type LintDetails,
  type LintFilesResult,
  type LintStatus,
  type ProbeResultParams,
} from '../../src/server/protocol';
import { DEEP_SIGMOID, lineOf } from './fixtures';
import { startClient, type Client } from './lsp-client';

const FIRST_LAYER = lineOf(DEEP_SIGMOID, "activation: 'sigmoid', inputShape");
const LOOP_LAYER = lineOf(DEEP_SIGMOID, "activation: 'sigmoid' }));");

/** A probe result for DEEP_SIGMOID's buildClassifier: layer 0 vanishing, the loop's layers 1-7. */
function probeResult(uri: string, version: number, lineCount: number): ProbeResultParams {
  const layer = (index: number, line: number, gradNorm: number) => ({
    index,
    line: line + 1,
    gradNorm,
    ratioToOutput: gradNorm / 0.2,
    verdict: index === 0 ? ('vanishing' as const) : ('healthy' as const),
    saturatedFraction: 0.5,
    deadFraction: null,
  });
  return {
    uri,
    model: 'buildClassifier',
    version,
    lineCount,
    report: {
      verdict: 'vanishing',
      verdictReason: 'layer 0 is 1e-6x the output',
      backend: 'wasm',
      batchSize: 32,
      layers: [
        layer(0, FIRST_LAYER, 2e-7),
        ...[1, 2, 3, 4, 5, 6, 7].map((i) => layer(i, LOOP_LAYER, 1e-3 * i)),
      ],
    },
  };
}

describe('language server: the VS Code client protocol', () => {
  let client: Client;
  const uri = 'file:///project/protocol.js';
  const statuses: LintStatus[] = [];
  const lineCount = DEEP_SIGMOID.split('\n').length;
  before(async () => {
    client = await startClient();
    client.connection.onNotification(LINT_STATUS, (s: LintStatus) => {
      statuses.push(s);
    });
    const opened = client.diagnostics(uri);
    client.open(uri, DEEP_SIGMOID);
    await opened;
  });
  after(() => client.close());

  /** The status of `version`, waiting for it: it may arrive just after the diagnostics. */
  const status = async (version: number): Promise<LintStatus> => {
    for (let i = 0; i < 100; i++) {
      const found = statuses.find((s) => s.uri === uri && s.version === version);
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`no status for version ${version}: ${JSON.stringify(statuses)}`);
  };
  const hints = async () =>
    (
      (await client.connection.sendRequest('textDocument/inlayHint', {
        textDocument: { uri },
        range: { start: { line: 0, character: 0 }, end: { line: lineCount, character: 0 } },
      })) as InlayHint[]
    ).map((h) => ({ line: h.position.line, label: String(h.label) }));
  const hover = async (line: number) => {
    const character = DEEP_SIGMOID.split('\n')[line].indexOf('dense');
    const result = (await client.connection.sendRequest('textDocument/hover', {
      textDocument: { uri },
      position: { line, character },
    })) as Hover | null;
    return (result?.contents as MarkupContent | undefined)?.value ?? '';
  };
  const lenses = async () =>
    (
      (await client.connection.sendRequest('textDocument/codeLens', {
        textDocument: { uri },
      })) as CodeLens[]
    ).map((l) => l.command?.title ?? '');

  it('sends the status of each lint: counts, and while the file does not parse, the parse error', async () => {
    const first = await status(1);
    assert.equal(first.analysed, true);
    assert.equal(first.parseError, null);
    assert.ok(first.counts.warnings >= 1, JSON.stringify(first.counts));
    const broken = client.diagnostics(uri, (p) => p.version === 2);
    client.change(uri, 2, DEEP_SIGMOID.replace('return model;', 'return model;;)'));
    const diagnostics = await broken;
    const second = await status(2);
    assert.match(second.parseError ?? '', /^line \d+: /);
    assert.equal(second.stale, true);
    assert.deepEqual(second.counts, first.counts, 'the last good counts stay');
    assert.ok(diagnostics.some((d: Diagnostic) => String(d.message).startsWith('Parsing error')));
    const fixed = client.diagnostics(uri, (p) => p.version === 3);
    client.change(uri, 3, DEEP_SIGMOID);
    await fixed;
  });

  it('answers lintDetails with the findings and models of the current version', async () => {
    const details = (await client.connection.sendRequest(LINT_DETAILS, { uri })) as LintDetails;
    assert.equal(details.version, 3);
    assert.deepEqual(
      details.models.map((m) => [m.name, m.layers.length]),
      [['buildClassifier', 9]],
    );
    assert.ok(details.messages.some((m) => m.ruleId === 'saturating-activation'));
    assert.equal(
      await client.connection.sendRequest(LINT_DETAILS, { uri: 'file:///nope.js' }),
      null,
    );
  });

  it('shows a probe result: measured hints beside the estimate, the hover and the verdict lens', async () => {
    assert.ok(!(await hints()).some((h) => h.label.startsWith('∇ ')), 'nothing measured yet');
    await client.connection.sendNotification(PROBE_RESULT, probeResult(uri, 3, lineCount));
    const shown = await hints();
    const first = shown.filter((h) => h.line === FIRST_LAYER).map((h) => h.label);
    assert.ok(
      first.some((l) => l.startsWith('∇≈')),
      `estimate kept: ${JSON.stringify(first)}`,
    );
    assert.ok(first.includes('∇ 2e-7 (1e-6×) vanishing'), JSON.stringify(first));
    const loop = shown.filter((h) => h.line === LOOP_LAYER).map((h) => h.label);
    assert.ok(loop.includes('∇ 1e-3 … 7e-3 over 7 layers healthy'), JSON.stringify(loop));
    const text = await hover(FIRST_LAYER);
    assert.match(text, /Last probe: ∇ 2e-7 \(1e-6× output\), vanishing, 50\.0% saturated/);
    assert.ok((await lenses()).includes('measured: vanishing (wasm, batch 32)'));
  });

  it('marks the measurement stale after an edit, and drops the hints once lines moved', async () => {
    const edited = client.diagnostics(uri, (p) => p.version === 4);
    client.change(uri, 4, DEEP_SIGMOID.replace('const HIDDEN = 48;', 'const HIDDEN = 49;'));
    await edited;
    assert.ok((await hints()).some((h) => h.label === '∇ 2e-7 (1e-6×) vanishing (stale)'));
    assert.ok((await lenses()).includes('measured before your last edit: vanishing · re-probe'));
    assert.match(await hover(FIRST_LAYER), /vanishing, 50\.0% saturated \(before your last edit\)/);
    const shifted = client.diagnostics(uri, (p) => p.version === 5);
    client.change(uri, 5, `// a new first line\n${DEEP_SIGMOID}`);
    await shifted;
    assert.ok(!(await hints()).some((h) => h.label.startsWith('∇ ')), 'stale line numbers hide');
    await client.connection.sendNotification(PROBE_RESULT, {
      ...probeResult(null as never, 0, 0),
      uri: null,
    });
    assert.ok(!(await lenses()).some((t) => t.startsWith('measured')), 'cleared');
  });

  it('offers "Add training monitor" on a fit line', async () => {
    const source = `import * as tf from '@tensorflow/tfjs';\nconst model = tf.sequential();\nawait model.fit(xs, ys, { epochs: 3 });\n`;
    const fitUri = 'file:///project/fit.js';
    const opened = client.diagnostics(fitUri);
    client.open(fitUri, source);
    await opened;
    const actions = (await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri: fitUri },
      range: { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } },
      context: { diagnostics: [] },
    })) as CodeAction[];
    const monitor = actions.find((a) => a.kind === 'refactor.gradientLens.monitor');
    assert.ok(monitor, JSON.stringify(actions.map((a) => a.title)));
    const edits = monitor.edit?.changes?.[fitUri] ?? [];
    assert.ok(edits.some((e) => e.newText.includes("from 'gradient-lens/monitor'")));
    assert.ok(edits.some((e) => e.newText.includes('gradientMonitor(model')));
  });
});

describe('language server: the workspace index', () => {
  let client: Client;
  let dir: string;
  const rate = (d: Diagnostic[]) => d.filter((x) => x.code === 'high-learning-rate');
  const model = `import * as tf from '@tensorflow/tfjs';
import { LEARNING_RATE } from './sizes.js';
const model = tf.sequential();
model.add(tf.layers.dense({ units: 4, inputShape: [4], activation: 'relu', kernelInitializer: 'heNormal' }));
model.compile({ optimizer: tf.train.adam(LEARNING_RATE), loss: 'meanSquaredError' });
`;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gl-ws-'));
    writeFileSync(join(dir, 'package.json'), '{}');
    writeFileSync(join(dir, 'sizes.js'), 'export const LEARNING_RATE = 5;\n');
    writeFileSync(join(dir, 'model.js'), model);
    client = await startClient();
  });
  after(async () => {
    await client.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const modelUri = () => pathToFileURL(join(dir, 'model.js')).href;
  const sizesUri = () => pathToFileURL(join(dir, 'sizes.js')).href;

  it('resolves an imported constant: the learning rate from sizes.js is judged', async () => {
    const opened = client.diagnostics(modelUri());
    client.open(modelUri(), model);
    const found = rate(await opened);
    assert.equal(found.length, 1, JSON.stringify(found));
    assert.equal(found[0].range.start.line, 4);
  });

  it('saving the imported file lints its open importer again', async () => {
    const sizes = 'export const LEARNING_RATE = 0.001;\n';
    client.open(sizesUri(), 'export const LEARNING_RATE = 5;\n');
    client.change(sizesUri(), 2, sizes);
    writeFileSync(join(dir, 'sizes.js'), sizes);
    const relinted = client.diagnostics(modelUri());
    await client.connection.sendNotification('textDocument/didSave', {
      textDocument: { uri: sizesUri() },
    });
    assert.equal(rate(await relinted).length, 0);
    await client.connection.sendNotification('textDocument/didClose', {
      textDocument: { uri: sizesUri() },
    });
  });

  it('a change on disk (a watched file) lints the importer again', async () => {
    writeFileSync(join(dir, 'sizes.js'), 'export const LEARNING_RATE = 9;\n');
    const relinted = client.diagnostics(modelUri());
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [{ uri: sizesUri(), type: 2 }],
    });
    assert.equal(rate(await relinted).length, 1);
  });

  it('lints files that are not open (Lint Workspace), with the index', async () => {
    const other = join(dir, 'other.js');
    writeFileSync(other, model.replace("'./sizes.js'", "'./sizes'"));
    writeFileSync(join(dir, 'notes.js'), 'export const x = 1;\n');
    const result = (await client.connection.sendRequest(LINT_FILES, {
      uris: [pathToFileURL(other).href, pathToFileURL(join(dir, 'notes.js')).href, modelUri()],
    })) as LintFilesResult;
    // The open model.js is left to the live diagnostics; notes.js has no model.
    assert.deepEqual(
      result.files.map((f) => f.uri),
      [pathToFileURL(other).href],
    );
    assert.equal(rate(result.files[0].diagnostics as Diagnostic[]).length, 1);
  });
});
