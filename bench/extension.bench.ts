/**
 * The extension's costs, as ratios to `lintText` alone on the same 400-line model file, same run:
 * - activation: require dist/extension.js + activate() with a minimal fake `vscode` (the engine and
 *   tfjs must stay unloaded until a tfjs file is opened);
 * - first open of a tfjs file: loading dist/engine.js (parser, rules) once;
 * - keystroke to updated diagnostics: a change event through the debounced LintController until
 *   the diagnostics are published, with the fixed 300 ms debounce reported apart.
 */
import Module from 'node:module';
import { join } from 'node:path';
import { lintText } from '../src/lint/index';
import { generateModelFile } from '../test/lint/model-code';
import {
  createFakeVscode,
  FakeDocument,
  Position,
  Range,
  Uri,
} from '../test/extension/fake-vscode';

const DEBOUNCE_MS = 300;
const dist = join(__dirname, '..', 'dist');

export async function bench(): Promise<void> {
  const fake = createFakeVscode();
  installVscode(fake.module);
  const source = generateModelFile(400, 42);
  const lintMs = median(
    repeat(15, () => {
      const started = performance.now();
      lintText(source, 'bench.ts');
      return performance.now() - started;
    }),
  );

  const before = new Set(Object.keys(require.cache));
  const activations = repeat(7, () => {
    forget(join(dist, 'extension.js'));
    const started = performance.now();
    const extension = require(join(dist, 'extension.js')) as { activate(context: unknown): void };
    extension.activate(fakeContext());
    return performance.now() - started;
  });
  const loadedByActivation = Object.keys(require.cache).filter((k) => !before.has(k));
  const engineLoadedAtActivation = loadedByActivation.some((k) => k.endsWith('engine.js'));
  const tfjsLoaded = loadedByActivation.some((k) => k.includes('@tensorflow'));

  // The last activation is live: open a 400-line tfjs file, then type into it.
  const document = new FakeDocument(Uri.file('/bench/model.ts'), source);
  fake.documents.push(document);
  const published = fake.nextDiagnostics(document.uri.toString());
  const openStarted = performance.now();
  fake.didOpen.fire(document);
  await published;
  const firstOpenMs = performance.now() - openStarted;

  const keystrokes: number[] = [];
  for (let i = 0; i < 12; i++) {
    document.setText(source.replace('units: 64', `units: ${65 + i}`));
    const done = fake.nextDiagnostics(document.uri.toString());
    const started = performance.now();
    // One typed digit, as VS Code reports it.
    const at = new Range(new Position(0, 0), new Position(0, 0));
    fake.didChange.fire({ document, contentChanges: [{ range: at, text: '1' }] });
    await done;
    keystrokes.push(performance.now() - started);
  }
  const keystrokeMs = median(keystrokes);
  const work = keystrokeMs - DEBOUNCE_MS;

  console.log(`400-line model file: lintText alone ${lintMs.toFixed(1)} ms (baseline)`);
  console.log(
    `activation (require + activate): ${median(activations).toFixed(1)} ms = ${(median(activations) / lintMs).toFixed(2)}x lintText; ` +
      `engine loaded at activation: ${engineLoadedAtActivation ? 'YES (regression)' : 'no'}; tfjs loaded: ${tfjsLoaded ? 'YES (regression)' : 'no'}`,
  );
  console.log(
    `first open of a tfjs file (loads dist/engine.js once, then lints): ${firstOpenMs.toFixed(1)} ms = ${(firstOpenMs / lintMs).toFixed(2)}x lintText`,
  );
  console.log(
    `keystroke to updated diagnostics: ${keystrokeMs.toFixed(1)} ms = ${DEBOUNCE_MS} ms debounce + ${work.toFixed(1)} ms work ` +
      `(${(work / lintMs).toFixed(2)}x lintText)`,
  );
}

function installVscode(fake: Record<string, unknown>): void {
  const loader = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
  const original = loader._load;
  loader._load = (request: string, ...rest: unknown[]) =>
    request === 'vscode' ? fake : original(request, ...rest);
}

function fakeContext(): unknown {
  const state = new Map<string, unknown>();
  return {
    subscriptions: [],
    extensionUri: Uri.file(join(__dirname, '..')),
    workspaceState: {
      get: (k: string, d?: unknown) => state.get(k) ?? d,
      update: async (k: string, v: unknown) => void state.set(k, v),
    },
  };
}

function forget(path: string): void {
  delete require.cache[require.resolve(path)];
}

function repeat(n: number, run: () => number): number[] {
  return Array.from({ length: n }, run);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
