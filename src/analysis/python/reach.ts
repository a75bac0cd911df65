/**
 * Which of the module's functions can reach Keras when run with nothing but their defaults: the
 * speculative runs of uncalled functions (index.ts) skip the rest, which can record nothing (a data
 * loader, a report printer) yet cost as much as a builder on a file of many helpers. Decided from
 * the text and the module's scope after its run, erring towards running.
 */
import type { PyInterp } from './interpreter';
import type { PV, Scope } from './values';

type Func = Extract<PV, { t: 'func' }>;

/**
 * What a body can do without naming a module-level value: an import, a `global` assignment that
 * later runs read, `name.add(...)` on an unbound name (an implicit Sequential), and the two names
 * the evaluator knows without an import.
 */
const OWN_REACH = /\b(?:import|global|nonlocal|tf|keras)\b|\.add\s*\(/;
const NAME = /[A-Za-z_]\w*/g;

/**
 * The names a function's text uses, each once in order of first use, or null when the text reaches
 * Keras by itself (OWN_REACH). Kept per function node: a helper is read again for each of its callers.
 */
const wordCache = new WeakMap<object, string[] | null>();

function wordsOf(ip: PyInterp, f: Func): string[] | null {
  let words = wordCache.get(f.node);
  if (words === undefined) {
    const text = ip.main.source.slice(f.node.from, f.node.to);
    words = OWN_REACH.test(text) ? null : [...new Set(codeOf(text).match(NAME) ?? [])];
    wordCache.set(f.node, words);
  }
  return words;
}

/**
 * The text without its comments and plain strings (a docstring saying what the model is), whose words
 * name no value; f-strings stay, their fields are code. A tokenizer's reading, as Python's.
 */
export function codeOf(text: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '#') {
      const end = text.indexOf('\n', i);
      out += text.slice(from, i) + ' ';
      i = from = end < 0 ? text.length : end;
      continue;
    }
    if (ch !== '"' && ch !== "'") continue;
    let start = i;
    while (start > 0 && start > i - 2 && /[rRbBuUfF]/.test(text[start - 1])) start--;
    if (start > 0 && /\w/.test(text[start - 1])) start = i; // `elif'x'`: no prefix
    const formatted = /[fF]/.test(text.slice(start, i));
    const quote = text.startsWith(ch.repeat(3), i) ? ch.repeat(3) : ch;
    let end = i + quote.length;
    while (end < text.length && !text.startsWith(quote, end)) {
      if (text[end] === '\\') end++;
      else if (text[end] === '\n' && quote.length === 1) break;
      end++;
    }
    end = Math.min(text.length, end + quote.length);
    if (!formatted) {
      out += text.slice(from, start) + ' ';
      from = end;
    }
    i = end - 1;
  }
  return out + text.slice(from);
}

/**
 * The libraries the evaluator reads besides Keras (bindings.ts binds them): their calls give arrays,
 * argument parsers and partial callables, and record nothing, so a data loader on numpy alone cannot
 * build. A callable that `partial` wraps is a word of the text of its own, judged as such.
 */
const LIBRARY = /^(?:numpy|argparse|functools)(?:\.|$)/;

/** Values a run can only read: a function that reaches no other kind records nothing. */
function isInert(value: PV): boolean {
  switch (value.t) {
    case 'num':
    case 'str':
    case 'bool':
    case 'none':
      return true;
    case 'path':
      return LIBRARY.test(value.path);
    case 'unknown':
      return !value.output;
    default:
      return false;
  }
}

/**
 * Whether a run of `fn` can record anything. Names are read from the module's scope as it is now
 * (a speculative run before may have set one through `global`), so nothing is kept between calls.
 */
export function reachesKeras(ip: PyInterp, root: Scope, fn: Func): boolean {
  if (ip.imports.globals) return true;
  const seen = new Set<Func>();
  const reaches = (f: Func): boolean => {
    if (seen.has(f)) return false;
    seen.add(f);
    if (f.module && f.module !== ip.main) return true;
    for (const value of f.defaults.values()) if (!isInert(value)) return true;
    const words = wordsOf(ip, f);
    if (words === null) return true;
    const callees: Func[] = [];
    for (const word of words) {
      const value = root.get(word);
      if (!value || isInert(value)) continue;
      if (value.t !== 'func') return true;
      callees.push(value);
    }
    return callees.some(reaches);
  };
  return reaches(fn);
}

/**
 * What a helper's own run could leave behind besides layers no model holds: a model, module state
 * (`global`, an import, the image data format), training or clipping records (a tape's gradients).
 */
const LEAVES_STATE =
  /\b(?:Sequential|Model|global|nonlocal|import|GradientTape|gradient|apply_gradients|minimize|fit|compile|train_on_batch|set_image_data_format)\b|clip/;

/**
 * Whether a speculative run of `fn` with unknown arguments leaves nothing a run of its caller would
 * not make again (a `conv_block(x, filters)` a builder calls): it makes layers on unknown tensors,
 * which no model holds, and names no module value but constants, Keras paths and helpers of the
 * same kind. Such a helper may wait for its callers' runs (index.ts), which read it with their values.
 */
export function isBlockHelper(ip: PyInterp, root: Scope, fn: Func): boolean {
  const seen = new Set<Func>();
  const pure = (f: Func): boolean => {
    if (seen.has(f)) return true;
    seen.add(f);
    if (f.module && f.module !== ip.main) return false;
    for (const value of f.defaults.values()) if (!isInert(value)) return false;
    const text = codeOf(ip.main.source.slice(f.node.from, f.node.to));
    if (LEAVES_STATE.test(text)) return false;
    for (const word of new Set(text.match(NAME) ?? [])) {
      const value = root.get(word);
      if (!value || isInert(value) || value.t === 'path') continue;
      if (value.t !== 'func' || !pure(value)) return false;
    }
    return true;
  };
  return pure(fn);
}
