/**
 * withinLimit: what a client that shows at most N diagnostics a file gets, picked as VS Code picks
 * the markers it keeps (extHostDiagnostics: by severity, then list order), less one for the note.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver/node';
import { NOT_SHOWN_CODE, SOURCE, withinLimit } from '../../src/server/diagnostics';

const E = DiagnosticSeverity.Error;
const W = DiagnosticSeverity.Warning;
const I = DiagnosticSeverity.Information;
const H = DiagnosticSeverity.Hint;

/** One diagnostic per severity, on lines 0, 1, 2, …; named by severity letter and line. */
function list(severities: DiagnosticSeverity[]): Diagnostic[] {
  return severities.map((severity, line) => ({
    range: { start: { line, character: 2 }, end: { line, character: 9 } },
    severity,
    code: 'saturating-activation',
    source: SOURCE,
    message: `${'?EWIH'[severity]}${line}`,
  }));
}

const cases: {
  name: string;
  severities: DiagnosticSeverity[];
  limit: number;
  /** The messages of the findings sent, in order. */
  kept: string[];
  /** The note: how many are not shown, and the line of its range. */
  note: { hidden: number; line: number } | null;
}[] = [
  {
    name: 'within the limit: all',
    severities: [W, E, I],
    limit: 3,
    kept: ['W0', 'E1', 'I2'],
    note: null,
  },
  { name: 'empty', severities: [], limit: 1, kept: [], note: null },
  {
    name: 'errors first, then warnings, each in list order; kept in list order',
    severities: [W, I, E, W, E, H],
    limit: 4,
    kept: ['W0', 'E2', 'E4'],
    note: { hidden: 3, line: 0 },
  },
  {
    name: 'infos before hints',
    severities: [H, I, H, I],
    limit: 3,
    kept: ['I1', 'I3'],
    note: { hidden: 2, line: 3 },
  },
  {
    name: 'the note at the range of the last one picked: the first warning, after the error',
    severities: [W, W, E, W],
    limit: 3,
    kept: ['W0', 'E2'],
    note: { hidden: 2, line: 0 },
  },
  {
    name: 'one over the limit: two hidden (the note takes a place)',
    severities: [E, E, E, E],
    limit: 3,
    kept: ['E0', 'E1'],
    note: { hidden: 2, line: 1 },
  },
  {
    name: 'a limit of one: the note alone',
    severities: [E, W],
    limit: 1,
    kept: [],
    note: { hidden: 2, line: 0 },
  },
];

describe('withinLimit', () => {
  for (const { name, severities, limit, kept, note } of cases) {
    it(name, () => {
      const diagnostics = list(severities);
      const sent = withinLimit(diagnostics, limit);
      assert.ok(sent.length <= limit, `${sent.length} sent`);
      const findings = sent.filter((d) => d.code !== NOT_SHOWN_CODE);
      assert.deepEqual(
        findings.map((d) => d.message),
        kept,
      );
      // The findings sent are the diagnostics themselves, untouched.
      for (const d of findings) assert.ok(diagnostics.includes(d));
      const notes = sent.filter((d) => d.code === NOT_SHOWN_CODE);
      if (!note) {
        assert.equal(notes.length, 0);
        assert.equal(sent, diagnostics);
        return;
      }
      assert.equal(notes.length, 1);
      assert.equal(sent.at(-1), notes[0]);
      assert.equal(notes[0].severity, I);
      assert.equal(notes[0].source, SOURCE);
      assert.equal(notes[0].range.start.line, note.line);
      assert.match(
        String(notes[0].message),
        new RegExp(
          `^${note.hidden} more Gradient Lens findings are not shown \\(the editor shows at most ${limit.toLocaleString('en-US')} a file`,
        ),
      );
    });
  }
});
