/**
 * The "Add training monitor" action on a `model.fit(...)` / `model.fitDataset(...)` call: text edits
 * that import gradient-lens/monitor (an import or a require, as the file already does) and add
 * `gradientMonitor(model, { logFile })` to the call's callbacks, keeping any callbacks already there.
 * Plain text in, edits out; the language server offers it as a code action (it parses).
 */
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { parseSource } from '../analysis/js/parse';
import type { TextEdit } from '../rules/types';

export const DEFAULT_MONITOR_LOG = 'runs/monitor.jsonl';

export interface MonitorInsertion {
  title: string;
  edits: TextEdit[];
  /** The model expression the monitor watches (`model`, `this.model`). */
  model: string;
}

type Call = TSESTree.CallExpression & { callee: TSESTree.MemberExpression };

/** Edits for the innermost fit/fitDataset call around `offset`, or null when there is none to change. */
export function monitorInsertion(
  source: string,
  filePath: string,
  offset: number,
  logFile = DEFAULT_MONITOR_LOG,
): MonitorInsertion | null {
  const parsed = parseSource(source, filePath);
  if (!parsed.ok) return null;
  const call = innermostFitCall(parsed.ast, offset);
  if (!call) return null;
  const callText = source.slice(call.range[0], call.range[1]);
  if (callText.includes('gradientMonitor')) return null;
  const model = source.slice(call.callee.object.range[0], call.callee.object.range[1]);
  const entry = `gradientMonitor(${model}, { logFile: ${JSON.stringify(logFile).replace(/^"|"$/g, "'")} })`;
  const callbackEdit = callbacksEdit(source, call, entry);
  if (!callbackEdit) return null;
  const edits = [callbackEdit];
  const importEdit = source.includes('gradient-lens/monitor')
    ? null
    : importLine(source, parsed.ast);
  if (importEdit) edits.unshift(importEdit);
  return { title: `Add the training monitor to ${model}.${propertyName(call)}()`, edits, model };
}

function innermostFitCall(ast: TSESTree.Program, offset: number): Call | null {
  let best: Call | null = null;
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(visit);
    const n = node as TSESTree.Node;
    if (typeof n.type !== 'string' || !n.range) return;
    if (offset < n.range[0] || offset > n.range[1]) return;
    if (n.type === 'CallExpression' && n.callee.type === 'MemberExpression') {
      const name = propertyName(n as Call);
      if (
        (name === 'fit' || name === 'fitDataset') &&
        (!best || n.range[1] - n.range[0] < best.range[1] - best.range[0])
      )
        best = n as Call;
    }
    for (const key of Object.keys(n))
      if (key !== 'parent') visit((n as unknown as Record<string, unknown>)[key]);
  };
  visit(ast.body);
  return best;
}

function propertyName(call: Call): string | null {
  const p = call.callee.property;
  return !call.callee.computed && p.type === 'Identifier' ? p.name : null;
}

function callbacksEdit(source: string, call: Call, entry: string): TextEdit | null {
  const optionsIndex = propertyName(call) === 'fit' ? 2 : 1;
  const args = call.arguments;
  if (args.length < optionsIndex) return null;
  if (args.length === optionsIndex) {
    const last = args[args.length - 1];
    return { start: last.range[1], end: last.range[1], text: `, { callbacks: [${entry}] }` };
  }
  const options = args[optionsIndex];
  if (options.type === 'Identifier') {
    const name = options.name;
    return {
      start: options.range[0],
      end: options.range[1],
      text: `{ ...${name}, callbacks: [${entry}].concat(${name}.callbacks || []) }`,
    };
  }
  if (options.type !== 'ObjectExpression') return null;
  const callbacks = options.properties.find(
    (p): p is TSESTree.ObjectExpressionPropertyNonComputedName =>
      p.type === 'Property' &&
      !p.computed &&
      ((p.key.type === 'Identifier' && p.key.name === 'callbacks') ||
        (p.key.type === 'Literal' && p.key.value === 'callbacks')),
  ) as TSESTree.ObjectExpressionPropertyNonComputedName | undefined;
  if (!callbacks) {
    const last = options.properties[options.properties.length - 1];
    if (!last)
      return { start: options.range[0], end: options.range[1], text: `{ callbacks: [${entry}] }` };
    return { start: last.range[1], end: last.range[1], text: `, callbacks: [${entry}]` };
  }
  if (callbacks.shorthand)
    return {
      start: callbacks.range[0],
      end: callbacks.range[1],
      text: `callbacks: [${entry}].concat(callbacks)`,
    };
  const value = callbacks.value;
  if (value.type === 'ArrayExpression') {
    const lastElement = value.elements.filter((e): e is NonNullable<typeof e> => e !== null).pop();
    if (!lastElement) return { start: value.range[0], end: value.range[1], text: `[${entry}]` };
    return { start: lastElement.range[1], end: lastElement.range[1], text: `, ${entry}` };
  }
  const text = source.slice(value.range[0], value.range[1]);
  return { start: value.range[0], end: value.range[1], text: `[${entry}].concat(${text})` };
}

/** After the file's last import (or top-level require), else at its top (after a shebang and directives). */
function importLine(source: string, ast: TSESTree.Program): TextEdit {
  const body = ast.body;
  const imports = body.filter((s) => s.type === 'ImportDeclaration');
  const isModule = imports.length > 0 || body.some((s) => s.type.startsWith('Export'));
  const line = isModule
    ? "import { gradientMonitor } from 'gradient-lens/monitor';\n"
    : "const { gradientMonitor } = require('gradient-lens/monitor');\n";
  const requires = body.filter(
    (s) =>
      s.type === 'VariableDeclaration' &&
      /\brequire\s*\(/.test(source.slice(s.range[0], s.range[1])),
  );
  const anchor = [...imports, ...requires].sort((a, b) => a.range[1] - b.range[1]).pop();
  if (anchor) {
    const end = lineEnd(source, anchor.range[1]);
    return {
      start: end,
      end,
      text: end === source.length && !source.endsWith('\n') ? `\n${line}` : line,
    };
  }
  const directives = body.filter(
    (s) => s.type === 'ExpressionStatement' && 'directive' in s && s.directive,
  );
  const after =
    directives.length > 0
      ? lineEnd(source, directives[directives.length - 1].range[1])
      : source.startsWith('#!')
        ? lineEnd(source, 0)
        : 0;
  return { start: after, end: after, text: line };
}

/** Offset just past the newline ending the line that contains `offset`. */
function lineEnd(source: string, offset: number): number {
  const newline = source.indexOf('\n', offset);
  return newline < 0 ? source.length : newline + 1;
}
