/**
 * The arguments of a call read from its source text (`tf.train.sgd(0.1, 0.9)`,
 * `Adam(learning_rate=1e-3, clipnorm=1.0)`), for the few optimizer values the IR keeps as text.
 */

/** Each top-level argument between the call's first `(` and last `)`, trimmed; [] when none. */
export function callArguments(text: string): string[] {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close <= open) return [];
  const args: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text.slice(open + 1, close)) {
    if (ch === ',' && depth === 0) {
      args.push(current.trim());
      current = '';
      continue;
    }
    if ('([{'.includes(ch)) depth++;
    if (')]}'.includes(ch)) depth--;
    current += ch;
  }
  if (current.trim() !== '') args.push(current.trim());
  return args;
}
