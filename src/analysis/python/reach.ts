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
    const text = ip.main.source.slice(f.node.from, f.node.to);
    if (OWN_REACH.test(text)) return true;
    const callees: Func[] = [];
    for (const word of text.match(NAME) ?? []) {
      const value = root.get(word);
      if (!value || isInert(value)) continue;
      if (value.t !== 'func') return true;
      callees.push(value);
    }
    return callees.some(reaches);
  };
  return reaches(fn);
}
