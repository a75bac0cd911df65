/**
 * The language server's point: per keystroke the editor's side only sends a one-character change
 * (an incremental didChange), while the analysis runs in the server process. Prints, for
 * generated files of about 445 and 8,000 lines, the in-process lint time (what an editor thread
 * pays when it lints itself) beside the client-side cost of a keystroke sent to
 * `gradient-lens lsp --stdio`, their ratio, and the server's keystroke-to-diagnostics latency.
 * Needs dist/ (npm run bench builds it).
 */
import { lintText } from '../src/lint/index';
import { generateModelFile } from '../test/lint/model-code';
import { startClient } from '../test/server/lsp-client';

const KEYSTROKES = 15;

export async function bench(): Promise<void> {
  const client = await startClient(undefined, { debounceMs: 0 });
  try {
    for (const lines of [445, 8000]) {
      const source = generateModelFile(lines, 7);
      const lintMs = median(
        Array.from({ length: lines > 1000 ? 5 : 15 }, () =>
          time(() => lintText(source, 'bench.ts')),
        ),
      );
      const uri = `file:///bench/model-${lines}.ts`;
      const opened = client.diagnostics(uri);
      client.open(uri, source, 'typescript');
      await opened;
      const clientMs: number[] = [];
      const latencyMs: number[] = [];
      let text = source;
      for (let v = 2; v < 2 + KEYSTROKES; v++) {
        const published = client.diagnostics(uri, (p) => p.version === v);
        const started = performance.now();
        // One typed space at the end of the first line, as an editor sends it.
        void client.connection.sendNotification('textDocument/didChange', {
          textDocument: { uri, version: v },
          contentChanges: [
            {
              range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
              text: ' ',
            },
          ],
        });
        clientMs.push(performance.now() - started);
        text = ` ${text}`;
        await published;
        latencyMs.push(performance.now() - started);
      }
      const perKey = median(clientMs);
      console.log(
        `${String(text.split('\n').length).padStart(5)} lines: in-process lint ${lintMs.toFixed(1)} ms; ` +
          `client time per keystroke ${perKey.toFixed(3)} ms (${(lintMs / perKey).toFixed(0)}x less); ` +
          `keystroke to diagnostics ${median(latencyMs).toFixed(1)} ms (server process)`,
      );
    }
  } finally {
    await client.close();
  }
}

function time(run: () => unknown): number {
  const started = performance.now();
  run();
  return performance.now() - started;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
