/**
 * A page's scripts as one script: `<script>` blocks and inline event handlers (`onclick="..."`) keep
 * their text at their offsets and everything else becomes spaces (line breaks kept), so every line,
 * column and offset the front end reports, and every fix it makes, is the page's own. A `;` stands
 * where each piece ends, so pieces that share a line do not run into each other.
 */
const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title', 'xmp']);
const JS_TYPES =
  /^(?:|module|text\/(?:javascript|ecmascript|babel|jsx)|application\/(?:javascript|ecmascript|x-javascript))$/i;
/** An entity would change the code's length once decoded: such a handler is left out. */
const ENTITY = /&(?:[a-z][a-z0-9]*|#\d+|#x[0-9a-f]+);/i;

/** HTML pages, and Vue and Svelte components (their `<script>` blocks). */
export function isHtmlFile(filePath: string): boolean {
  return /\.(?:html?|vue|svelte)$/i.test(filePath);
}

export interface PageScripts {
  /** The page with everything but its scripts blanked. */
  code: string;
  /** Where each script (a `<script>` block or a handler) is, as [start, end) offsets. */
  pieces: [number, number][];
}

export function htmlScripts(html: string): PageScripts {
  const out = blank(html).split('');
  const pieces: [number, number][] = [];
  const keep = (from: number, to: number) => {
    for (let i = from; i < to; i++) out[i] = html[i];
    if (to < out.length && out[to] === ' ') out[to] = ';';
    pieces.push([from, to]);
  };
  let at = 0;
  while (at < html.length) {
    const open = html.indexOf('<', at);
    if (open < 0) break;
    if (html.startsWith('<!--', open)) {
      const close = html.indexOf('-->', open + 4);
      at = close < 0 ? html.length : close + 3;
      continue;
    }
    const tag = readTag(html, open);
    if (!tag) {
      at = open + 1;
      continue;
    }
    for (const attr of tag.attributes) {
      if (/^on[a-z]+$/i.test(attr.name) && attr.quoted && !ENTITY.test(attr.value))
        keep(attr.start, attr.start + attr.value.length);
    }
    at = tag.end;
    if (tag.closing || !RAW_TEXT.has(tag.name)) continue;
    const closeAt = findClose(html, tag.end, tag.name);
    if (tag.name === 'script') {
      const type = tag.attributes.find((a) => a.name === 'type')?.value.trim() ?? '';
      const external = tag.attributes.some((a) => a.name === 'src');
      if (!external && JS_TYPES.test(type)) keep(tag.end, closeAt);
    }
    at = closeAt;
  }
  return { code: out.join(''), pieces };
}

/**
 * The page's scripts without the one holding `offset`: a browser runs the others when one of
 * them has a syntax error, so the extractor reads them too.
 */
export function withoutPiece(scripts: PageScripts, offset: number): PageScripts | null {
  const index = scripts.pieces.findIndex(([from, to]) => offset >= from && offset <= to);
  if (index < 0) return null;
  const [from, to] = scripts.pieces[index];
  const code =
    scripts.code.slice(0, from) +
    blank(scripts.code.slice(from, to + 1)) +
    scripts.code.slice(to + 1);
  return { code, pieces: scripts.pieces.filter((_, i) => i !== index) };
}

interface Attribute {
  name: string;
  value: string;
  /** Offset of the value's first character. */
  start: number;
  quoted: boolean;
}

interface Tag {
  name: string;
  closing: boolean;
  attributes: Attribute[];
  /** Offset just past the tag's `>`. */
  end: number;
}

const NAME = /[A-Za-z][\w:-]*/y;
const ATTRIBUTE_NAME = /[^\s"'>/=]+/y;
const SPACE = /\s*/y;
const UNQUOTED = /[^\s>]*/y;

function readTag(html: string, open: number): Tag | null {
  let at = open + 1;
  const closing = html[at] === '/';
  if (closing) at++;
  NAME.lastIndex = at;
  const name = NAME.exec(html);
  if (!name) return null;
  at = NAME.lastIndex;
  const attributes: Attribute[] = [];
  for (;;) {
    at = skip(SPACE, html, at);
    if (at >= html.length) return null;
    if (html[at] === '>') break;
    if (html[at] === '/') {
      at++;
      continue;
    }
    ATTRIBUTE_NAME.lastIndex = at;
    const attrName = ATTRIBUTE_NAME.exec(html);
    if (!attrName) {
      at++;
      continue;
    }
    at = skip(SPACE, html, ATTRIBUTE_NAME.lastIndex);
    if (html[at] !== '=') {
      attributes.push({ name: attrName[0].toLowerCase(), value: '', start: at, quoted: false });
      continue;
    }
    at = skip(SPACE, html, at + 1);
    const quote = html[at];
    if (quote === '"' || quote === "'") {
      const close = html.indexOf(quote, at + 1);
      if (close < 0) return null;
      attributes.push({
        name: attrName[0].toLowerCase(),
        value: html.slice(at + 1, close),
        start: at + 1,
        quoted: true,
      });
      at = close + 1;
    } else {
      UNQUOTED.lastIndex = at;
      const value = UNQUOTED.exec(html)?.[0] ?? '';
      attributes.push({ name: attrName[0].toLowerCase(), value, start: at, quoted: false });
      at += value.length;
    }
  }
  return { name: name[0].toLowerCase(), closing, attributes, end: at + 1 };
}

function skip(pattern: RegExp, text: string, at: number): number {
  pattern.lastIndex = at;
  pattern.exec(text);
  return pattern.lastIndex;
}

/** Where the raw text of `name` ends: its closing tag, or the end of the page. */
function findClose(html: string, from: number, name: string): number {
  const close = new RegExp(`</${name}(?=[\\s/>]|$)`, 'gi');
  close.lastIndex = from;
  return close.exec(html)?.index ?? html.length;
}

function blank(text: string): string {
  return text.replace(/[^\r\n]/g, ' ');
}
