import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyDirectives, parseDirectives } from '../../src/lint/directives';
import { applyEdits } from '../../src/lint/fix';
import { LineIndex } from '../../src/analysis/lines';
import type { LintMessage } from '../../src/rules/types';

const known = new Set(['rule-a', 'rule-b', 'rule-c']);
const isKnown = (id: string) => known.has(id);

/** A finding of `ruleId` starting on `line` (1-based) of `source`. */
function finding(source: string, ruleId: string, line: number): LintMessage {
  const lines = new LineIndex(source);
  const start =
    source
      .split('\n')
      .slice(0, line - 1)
      .join('\n').length + (line > 1 ? 1 : 0);
  return {
    ruleId,
    messageId: 'm',
    message: `${ruleId} at ${line}`,
    span: lines.span(start, start + 1),
    model: 'model',
    fixes: [],
    severity: 'warning',
  };
}

function run(source: string, found: Array<[string, number]>) {
  const parsed = parseDirectives(source, isKnown);
  const applied = applyDirectives(
    found.map(([rule, line]) => finding(source, rule, line)),
    parsed.directives,
  );
  return {
    kept: applied.kept.map((m) => `${m.ruleId}@${m.span.line}`),
    unused: applied.unused.map((u) => `${u.kind}:${u.ruleId ?? '*'}@${u.span.line}`),
    problems: parsed.problems.map((p) => `${p.kind}:${p.ruleId ?? '-'}@${p.line}:${p.column}`),
    directives: parsed.directives,
  };
}

const cases: Array<{
  name: string;
  source: string;
  found: Array<[string, number]>;
  kept: string[];
}> = [
  {
    name: 'disable-next-line with one rule suppresses only that rule on the next line',
    source: 'a\n// gradient-lens-disable-next-line rule-a\nb\nc',
    found: [
      ['rule-a', 3],
      ['rule-b', 3],
      ['rule-a', 4],
    ],
    kept: ['rule-b@3', 'rule-a@4'],
  },
  {
    name: 'disable-next-line with a list and a reason',
    source: '// gradient-lens-disable-next-line rule-a, rule-b -- deliberate: a tiny model\nx',
    found: [
      ['rule-a', 2],
      ['rule-b', 2],
      ['rule-c', 2],
    ],
    kept: ['rule-c@2'],
  },
  {
    name: 'disable-next-line without rules suppresses every rule on the next line',
    source: '// gradient-lens-disable-next-line\nx\ny',
    found: [
      ['rule-a', 2],
      ['rule-b', 2],
      ['rule-a', 3],
    ],
    kept: ['rule-a@3'],
  },
  {
    name: 'disable-next-line in a block comment',
    source: '/* gradient-lens-disable-next-line rule-a */\nx',
    found: [['rule-a', 2]],
    kept: [],
  },
  {
    name: 'disable-line at the end of the offending line',
    source: 'x // gradient-lens-disable-line rule-a\ny',
    found: [
      ['rule-a', 1],
      ['rule-a', 2],
    ],
    kept: ['rule-a@2'],
  },
  {
    name: 'disable-line in a block comment, all rules',
    source: 'x /* gradient-lens-disable-line */ z',
    found: [
      ['rule-a', 1],
      ['rule-c', 1],
    ],
    kept: [],
  },
  {
    name: 'file-level block directive applies everywhere, wherever it is written',
    source: 'a\nb\n/* gradient-lens-disable rule-b */',
    found: [
      ['rule-b', 1],
      ['rule-a', 2],
      ['rule-b', 2],
    ],
    kept: ['rule-a@2'],
  },
  {
    name: 'file-level directive without rules silences the file',
    source: '/* gradient-lens-disable */\na\nb',
    found: [
      ['rule-a', 2],
      ['rule-c', 3],
    ],
    kept: [],
  },
  {
    name: 'a directive inside a string is not a directive',
    source: 'const s = "// gradient-lens-disable-line rule-a";',
    found: [['rule-a', 1]],
    kept: ['rule-a@1'],
  },
  {
    name: 'a longer keyword is not a directive',
    source: '// gradient-lens-disable-lines rule-a\nx',
    found: [
      ['rule-a', 1],
      ['rule-a', 2],
    ],
    kept: ['rule-a@1', 'rule-a@2'],
  },
  {
    name: 'CRLF line endings',
    source: '// gradient-lens-disable-next-line rule-a\r\nx\r\ny',
    found: [['rule-a', 2]],
    kept: [],
  },
];

for (const c of cases) {
  test(c.name, () => {
    assert.deepEqual(run(c.source, c.found).kept, c.kept);
  });
}

test('the reason is kept and not read as rule ids', () => {
  const { directives, problems } = run(
    '// gradient-lens-disable-line rule-a -- rule-b is fine here',
    [],
  );
  assert.deepEqual(problems, []);
  assert.deepEqual(directives[0].ruleIds, ['rule-a']);
  assert.equal(directives[0].reason, 'rule-b is fine here');
});

test('unknown rule ids are reported at the directive and do not widen it to all rules', () => {
  const result = run('x\n  // gradient-lens-disable-next-line rule-z\ny', [['rule-a', 3]]);
  assert.deepEqual(result.problems, ['unknown-rule:rule-z@2:3']);
  assert.deepEqual(result.kept, ['rule-a@3']);
  const mixed = run('// gradient-lens-disable-next-line rule-a, nope\ny', [['rule-a', 2]]);
  assert.deepEqual(mixed.problems, ['unknown-rule:nope@1:1']);
  assert.deepEqual(mixed.kept, []);
});

test('a -line directive spanning several lines is reported and ignored', () => {
  const result = run('/* gradient-lens-disable-next-line\n rule-a */\nx', [['rule-a', 3]]);
  assert.deepEqual(result.problems, ['invalid-directive:-@1:1']);
  assert.deepEqual(result.kept, ['rule-a@3']);
});

test('unused directives are listed per directive, or per named rule that suppressed nothing', () => {
  const source = [
    '// gradient-lens-disable-next-line rule-a, rule-b',
    'x',
    '// gradient-lens-disable-next-line',
    'y',
    '/* gradient-lens-disable rule-c */',
  ].join('\n');
  const result = run(source, [['rule-a', 2]]);
  assert.deepEqual(result.kept, []);
  assert.deepEqual(result.unused, [
    'disable-next-line:rule-b@1',
    'disable-next-line:*@3',
    'disable:rule-c@5',
  ]);
});

test('text without directives costs no directive work', () => {
  const result = run('const a = 1; // ordinary comment', [['rule-a', 1]]);
  assert.deepEqual(result.directives, []);
  assert.deepEqual(result.kept, ['rule-a@1']);
});

const removalCases: Array<[string, string, string]> = [
  [
    'a directive alone on its line takes the line with it',
    'a\n  // gradient-lens-disable-next-line rule-a\nb\n',
    'a\nb\n',
  ],
  [
    'a trailing directive leaves the code',
    'x(); // gradient-lens-disable-line rule-a\ny();',
    'x();\ny();',
  ],
  ['a block directive between code keeps one blank', 'a /* gradient-lens-disable-line */ b', 'a b'],
  [
    'a block directive before code on its line keeps the indentation',
    '  /* gradient-lens-disable-line */ b',
    '  b',
  ],
  ['a last line without a newline', 'a\n/* gradient-lens-disable rule-c */', 'a\n'],
  ['CRLF lines', 'a\r\n// gradient-lens-disable-next-line\r\nb', 'a\r\nb'],
];
for (const [name, source, expected] of removalCases) {
  test(`unused directive removal: ${name}`, () => {
    const { directives } = parseDirectives(source, isKnown);
    const { unused } = applyDirectives([], directives);
    const fix = unused[0]?.fix;
    assert.ok(fix?.preferred);
    assert.equal(applyEdits(source, fix.edits), expected);
  });
}

test('a partly used directive gets no removal fix; a wholly unused list gets one, on its first entry', () => {
  const source =
    '// gradient-lens-disable-next-line rule-a, rule-b\nx\n// gradient-lens-disable-next-line rule-a, rule-c\ny';
  const { directives } = parseDirectives(source, isKnown);
  const { unused } = applyDirectives([finding(source, 'rule-a', 2)], directives);
  assert.deepEqual(
    unused.map((u) => `${u.ruleId}@${u.span.line}:${u.fix ? 'fix' : '-'}`),
    ['rule-b@1:-', 'rule-a@3:fix', 'rule-c@3:-'],
  );
});

test('pathological comments are handled in linear time', () => {
  const sources = [
    `/*${' '.repeat(200_000)}x gradient-lens-disable */`,
    `/* gradient-lens-disable ${'*'.repeat(200_000)}x */`,
    `// gradient-lens-disable-line ${' --'.repeat(70_000)}x`,
    `/*${'*'.repeat(200_000)} gradient-lens-disable-line */`,
  ];
  const started = performance.now();
  for (const source of sources) parseDirectives(source, isKnown);
  assert.ok(performance.now() - started < 2000, 'took too long: a regex backtracks');
});

test('disable-next-line above a statement covers its lines up to where its brackets close', () => {
  const source = [
    '// gradient-lens-disable-next-line rule-a',
    'model.add(',
    "  tf.layers.dense({ units: 8, activation: 'sigmoid' }),",
    ');',
    "model.add(tf.layers.dense({ units: 8, activation: 'sigmoid' }));",
  ].join('\n');
  const { kept } = run(source, [
    ['rule-a', 2],
    ['rule-a', 3],
    ['rule-b', 3],
    ['rule-a', 5],
  ]);
  assert.deepEqual(kept, ['rule-b@3', 'rule-a@5']);
});

test('brackets inside strings and comments do not stretch a next-line directive', () => {
  const source = [
    '// gradient-lens-disable-next-line rule-a',
    "const name = 'dense('; // (",
    "model.add(tf.layers.dense({ name, activation: 'sigmoid' }));",
  ].join('\n');
  assert.deepEqual(
    run(source, [
      ['rule-a', 2],
      ['rule-a', 3],
    ]).kept,
    ['rule-a@3'],
  );
});
