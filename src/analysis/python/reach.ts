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
  // Jumps from one comment or quote to the next: the code between them is copied as it is.
  const breaks = CODE_BREAK;
  breaks.lastIndex = 0;
  for (let found = breaks.exec(text); found; found = breaks.exec(text)) {
    const i = found.index;
    const ch = text[i];
    if (ch === '#') {
      const end = text.indexOf('\n', i);
      out += text.slice(from, i) + ' ';
      breaks.lastIndex = from = end < 0 ? text.length : end;
      continue;
    }
    let start = i;
    while (start > 0 && start > i - 2 && PREFIX.test(text[start - 1])) start--;
    if (start > 0 && /\w/.test(text[start - 1])) start = i; // `elif'x'`: no prefix
    const formatted = start < i && /[fF]/.test(text.slice(start, i));
    const triple =
      text.charCodeAt(i + 1) === text.charCodeAt(i) &&
      text.charCodeAt(i + 2) === text.charCodeAt(i);
    const end = stringEnd(text, i, triple);
    if (!formatted) {
      out += text.slice(from, start) + ' ';
      from = end;
    }
    breaks.lastIndex = end;
  }
  return out + text.slice(from);
}

const CODE_BREAK = /[#'"]/g;
const PREFIX = /[rRbBuUfF]/;

/** Where the string opened at `at` ends (past its closing quote; a one-quote string at its line's end). */
function stringEnd(text: string, at: number, triple: boolean): number {
  const q = text.charCodeAt(at);
  const length = triple ? 3 : 1;
  let end = at + length;
  while (end < text.length) {
    const c = text.charCodeAt(end);
    if (c === q && (!triple || (text.charCodeAt(end + 1) === q && text.charCodeAt(end + 2) === q)))
      break;
    if (c === 92)
      end++; // a backslash escapes the next character
    else if (c === 10 && !triple) break;
    end++;
  }
  return Math.min(text.length, end + length);
}

/** Values a run can only read: a function that reaches no other kind records nothing. */
function isInert(value: PV): boolean {
  switch (value.t) {
    case 'num':
    case 'str':
    case 'bool':
    case 'none':
      return true;
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
