import type { CustomLoopCall, ModelGraph, Span } from '../analysis/ir';
import { contains } from '../analysis/js/spans';
import type { Fix, Rule, RuleContext } from './types';
import { clipOverrideCode, GENERATED_NAMES, tfNamespace } from './util/clipping';
import { dialectOf } from './util/dialect';
import { fix } from './util/fix';
import { clipOptimizerEdit, pythonFloat } from './util/python-keras';
import { isPython } from './util/syntax';
import { numberOption, report } from './util/message';
import { describeLayer } from './util/model';
import {
  freshName,
  lineIndent,
  newline,
  spanWithin,
  startsLine,
  statementEnd,
} from './util/source';
import { coreLayer, isRecurrent } from './util/terms';
import { sequenceLength } from './util/recurrence';

export const rule: Rule = {
  id: 'rnn-without-clipping',
  meta: {
    type: 'problem',
    description:
      'A model with a recurrent layer trained without gradient clipping (tfjs optimizers have no clipnorm).',
    defaultSeverity: 'warning',
    messages: {
      unclipped: '{{cell}} over {{steps}} trained without gradient clipping',
    },
    details: {
      unclipped:
        "{{layer}} of model '{{model}}': backpropagation through time multiplies the gradient by the recurrent kernel once per step, so one long or unlucky sequence can make it explode into a NaN update during training (Pascanu et al. 2013). A probe at initialisation cannot show this risk. {{fw:clipping}} It is a warning from {{minSteps}} time steps; shorter or unknown lengths get an info hint.",
    },
    options: {
      clipNorm: {
        type: 'number',
        default: 1.0,
        description:
          'Gradient norm the fix clips to (must be positive): the global norm in tfjs code, clipnorm in Keras code.',
        exclusiveMinimum: 0,
      },
      minSteps: {
        type: 'number',
        default: 100,
        description:
          'Warn when a recurrent layer runs over at least this many time steps; shorter or unknown lengths get an info hint.',
        minimum: 1,
      },
    },
    fixable: true,
  },
  check(model, context) {
    const training = model.training;
    if (!training.trained || training.clipping.clipped) return [];
    const recurrent = model.layers.filter(isRecurrent);
    if (recurrent.length === 0) return [];
    // The longest sequence any recurrent layer runs over decides; unknown lengths count as short.
    const lengths = recurrent.map((layer) => sequenceLength(model, layer));
    const longest = Math.max(...lengths.map((n) => n ?? 0));
    const layer = recurrent[Math.max(0, lengths.indexOf(longest))];
    const minSteps = numberOption(rule, context, 'minSteps');
    const clipNorm = positive(numberOption(rule, context, 'clipNorm'), 1.0);
    const target =
      training.fitCalls.length > 0 ? fitTarget(context, model) : loopTarget(context, model);
    if (!target) return [];
    return [
      report(rule, model, {
        messageId: 'unclipped',
        data: {
          layer: describeLayer(layer, model),
          model: model.name,
          cell: dialectOf(model).layer(coreLayer(layer).factory),
          steps:
            longest > 0
              ? `${longest} time step${longest === 1 ? '' : 's'}`
              : 'an unknown number of time steps',
          minSteps,
        },
        hint: !(longest >= minSteps),
        span: target.span,
        layer,
        fixes: [
          isPython(context)
            ? clipOptimizer(context, model, clipNorm)
            : insertOverride(context, target, clipNorm),
        ],
      }),
    ];
  },
};

interface Target {
  /** Where the finding points. */
  span: Span;
  /** The statement after which the override goes, and the expression that reaches the optimizer. */
  insertAfter: Span | null;
  optimizer: string | null;
}

/** compile + fit: point at compile's optimizer; override `model.optimizer` right after compile. */
function fitTarget(context: RuleContext, model: ModelGraph): Target {
  const compile = model.training.compile;
  // Compiled elsewhere (e.g. in another file): nothing here to attach the override to.
  if (!compile)
    return { span: model.training.fitCalls[0].span, insertAfter: null, optimizer: null };
  const receiver = receiverOf(context.source, compile.span, 'compile');
  return {
    span: compileOptimizerSpan(context.source, compile.span, compile.optimizer?.span),
    insertAfter: receiver ? compile.span : null,
    optimizer: receiver ? `${receiver}.optimizer` : null,
  };
}

/**
 * The optimizer as compile names it. When the optimizer was created elsewhere (`{ optimizer }` or
 * `optimizer: opt`), point at that name inside the compile call, where training is set up, rather than at
 * the distant creation; fall back to the whole call.
 */
function compileOptimizerSpan(source: string, compileSpan: Span, optimizerSpan?: Span): Span {
  if (optimizerSpan && contains(compileSpan, optimizerSpan)) return optimizerSpan;
  const text = source.slice(compileSpan.start, compileSpan.end);
  // `optimizer: opt` in an object literal, `optimizer=opt` as a Python keyword argument.
  const match = /\boptimizer\b(\s*[:=]\s*)?/.exec(text);
  if (!match) return compileSpan;
  const keyStart = compileSpan.start + match.index;
  if (!match[1]) return spanWithin(source, compileSpan, keyStart, keyStart + 'optimizer'.length);
  const valueStart = keyStart + match[0].length;
  const value = /^[A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*/.exec(source.slice(valueStart));
  return value
    ? spanWithin(source, compileSpan, valueStart, valueStart + value[0].length)
    : compileSpan;
}

/**
 * Custom loop: point at the minimize/applyGradients call; override that optimizer right after the statement
 * that creates it, so the loop's every update is clipped (and the override is installed once).
 */
function loopTarget(context: RuleContext, model: ModelGraph): Target | null {
  const loops = model.training.customLoops;
  const call =
    loops.find((l) => l.method === 'minimize' || l.method === 'applyGradients') ?? loops[0];
  if (!call) return null;
  const creation = optimizerCreation(context.source, call);
  return {
    span: call.span,
    insertAfter: creation?.span ?? null,
    optimizer: creation?.name ?? null,
  };
}

/** `const opt = tf.train.adam(...)` / `this.opt = ...`: the assigned name and the creating call. */
function optimizerCreation(
  source: string,
  call: CustomLoopCall,
): { name: string; span: Span } | null {
  const info = call.optimizer;
  if (!info || info.form !== 'call') return null;
  const lineStart = source.lastIndexOf('\n', info.span.start - 1) + 1;
  const before = source.slice(lineStart, info.span.start);
  const match =
    /^\s*(?:(?:const|let|var)\s+)?([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)(?:\s*:\s*[^=]+)?\s*=\s*$/.exec(
      before,
    );
  return match ? { name: match[1], span: info.span } : null;
}

/** `model` in `model.compile(...)`: a plain name or member chain, else null (no safe place to insert). */
function receiverOf(source: string, callSpan: Span, method: string): string | null {
  const text = source.slice(callSpan.start, callSpan.end);
  const match = new RegExp(
    `^([A-Za-z_$][\\w$]*(?:\\s*\\.\\s*[A-Za-z_$][\\w$]*)*)\\s*\\.\\s*${method}\\s*\\(`,
  ).exec(text);
  return match ? match[1].replace(/\s+/g, '') : null;
}

/** Keras: the optimizer clips, given `clipnorm` (fit's compile optimizer, else the custom loop's). */
function clipOptimizer(context: RuleContext, model: ModelGraph, clipNorm: number): Fix | null {
  const training = model.training;
  const optimizer =
    training.fitCalls.length > 0
      ? (training.compile?.optimizer ?? training.optimizer)
      : (training.customLoops.find((loop) => loop.optimizer)?.optimizer ?? training.optimizer);
  if (!optimizer) return null;
  const edits = clipOptimizerEdit(context.source, optimizer, clipNorm);
  if (!edits) return null;
  return fix(`Clip gradients with clipnorm=${pythonFloat(clipNorm)} on the optimizer`, edits, true);
}

function insertOverride(context: RuleContext, target: Target, clipNorm: number): Fix | null {
  const { source, analysis } = context;
  const tf = tfNamespace(source, analysis.access.tf);
  if (!tf || !target.insertAfter || !target.optimizer) return null;
  // The block declares its own names; outside names it uses must not be shadowed by them.
  const roots = [tf.name, target.optimizer].map((expr) => expr.split('.')[0]);
  if (roots.some((root) => GENERATED_NAMES.has(root))) return null;
  if (!startsLine(source, statementStart(source, target.insertAfter.start))) return null;
  const at = statementEnd(source, target.insertAfter.end);
  const nl = newline(source);
  const code = clipOverrideCode({
    tf: tf.name,
    optimizer: target.optimizer,
    clipNorm,
    original: freshName(source, 'applyUnclippedGradients'),
    indent: lineIndent(source, target.insertAfter.start),
    newline: nl,
  });
  return fix(
    `Clip gradients to global norm ${clipNorm} (override applyGradients)`,
    [tf.edit, { start: at, end: at, text: nl + code }].filter((e) => e !== null),
    true,
  );
}

/** The start of the statement holding `offset`: skips a leading `const x =` / `x =` on the same line. */
function statementStart(source: string, offset: number): number {
  const lineStart = source.lastIndexOf('\n', offset - 1) + 1;
  const before = source.slice(lineStart, offset);
  const declaration = /^\s*(?:(?:const|let|var)\s+)?[A-Za-z_$][\w$.]*(?:\s*:\s*[^=]+)?\s*=\s*$/;
  return declaration.test(before) ? lineStart : offset;
}

function positive(value: number, fallback: number): number {
  return Number.isFinite(value) && value > 0 ? value : fallback;
}
