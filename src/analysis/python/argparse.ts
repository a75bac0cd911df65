/**
 * `argparse`: a training script's options. `parser.add_argument('--lr', type=float, default=0.01)`
 * records the option's default, and `args = parser.parse_args()` is a namespace whose attributes are
 * those defaults: the values the script runs with when no flag is given (`Adam(args.lr)`,
 * `LSTM(args.units)`). An option without a default is None, as argparse leaves it.
 */
import type { SyntaxNode } from '@lezer/common';
import type { PyInterp } from './interpreter';
import type { Arg } from './keras';
import { NONE, unknown, type PV } from './values';

type Parser = Extract<PV, { t: 'dict' }>;

export function argumentParser(): PV {
  return { t: 'dict', entries: new Map(), argparse: 'parser' };
}

/** A method of a parser: the options it records, the namespace `parse_args` gives. */
export function parserMethod(
  ip: PyInterp,
  parser: Parser,
  name: string,
  args: Arg[],
  node: SyntaxNode,
): PV {
  switch (name) {
    case 'add_argument':
      addArgument(ip, parser, args, node);
      return NONE;
    // Groups record their options in the parser they belong to.
    case 'add_argument_group':
    case 'add_mutually_exclusive_group':
      return parser;
    case 'set_defaults':
      for (const a of args) if (a.name) record(ip, parser, a.name, a.value, node);
      return NONE;
    case 'parse_args':
      return namespace(parser);
    case 'parse_known_args':
      return { t: 'list', items: [namespace(parser), unknown('extras')], tuple: true };
    default:
      return unknown(ip.text(node));
  }
}

function namespace(parser: Parser): PV {
  return { t: 'dict', entries: new Map(parser.entries), argparse: 'namespace' };
}

function addArgument(ip: PyInterp, parser: Parser, args: Arg[], node: SyntaxNode): void {
  const flags = args.flatMap((a) => (!a.name && a.value.t === 'str' ? [a.value.v] : []));
  const keyword = (key: string) => args.find((a) => a.name === key)?.value;
  const dest = keyword('dest');
  const long = flags.find((f) => f.startsWith('--')) ?? flags.find((f) => f.startsWith('-'));
  const positional = flags.find((f) => !f.startsWith('-'));
  const key =
    dest?.t === 'str' ? dest.v : (long ?? positional)?.replace(/^-+/, '').replace(/-/g, '_');
  if (!key) return;
  const action = keyword('action');
  const given = keyword('default');
  let value: PV;
  if (given) value = converted(given, keyword('type'));
  else if (action?.t === 'str' && action.v === 'store_true') value = { t: 'bool', v: false };
  else if (action?.t === 'str' && action.v === 'store_false') value = { t: 'bool', v: true };
  // A positional option has no default: the command line always gives it.
  else value = positional && !long ? unknown(positional) : NONE;
  record(ip, parser, key, value, node);
}

/** argparse converts a string default with the option's `type` (`default='0.01', type=float`). */
function converted(value: PV, type: PV | undefined): PV {
  if (value.t !== 'str' || type?.t !== 'path') return value;
  const name = type.path.slice(type.path.lastIndexOf('.') + 1);
  const number = Number(value.v);
  if ((name === 'int' || name === 'float') && value.v.trim() !== '' && Number.isFinite(number))
    return { t: 'num', v: name === 'int' ? Math.trunc(number) : number };
  return value;
}

function record(ip: PyInterp, parser: Parser, key: string, value: PV, node: SyntaxNode): void {
  const span = ip.span(node);
  parser.entries.set(key, { value, span, valueSpan: span });
}
