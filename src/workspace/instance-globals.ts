/**
 * Names a Vue app puts tfjs under on every component: `Vue.prototype.$tf = tf` (Vue 2) or
 * `app.config.globalProperties.$tf = tf` (Vue 3) in the app's entry or a plugin file, after which a
 * component's methods build models with `this.$tf.sequential()` and never import tfjs themselves.
 * Found by regex over the entry and plugin files' text, as auto-imports.ts finds Nuxt's names.
 */
import { namesTfjsModule } from '../analysis/js/parse';

/** Where apps install globals: the entry (`src/main.ts`) and plugin folders (`src/plugins/tf.js`). */
const CANDIDATE = /(^|[\\/])(?:main|index|app)\.[cm]?[jt]s$|[\\/]plugins?[\\/][^\\/]+\.[cm]?[jt]s$/;
const ASSIGNED =
  /\b(?:[\w$]+\.prototype|\.config\.globalProperties)\.([\w$]+)\s*=\s*([\w$]+)\s*[;\n]/g;
const TFJS_BINDING =
  /\bimport\s+(?:\*\s*as\s+)?([\w$]+)\s+from\s*['"]@tensorflow\/tfjs[\w-]*['"]|\b(?:const|let|var)\s+([\w$]+)\s*=\s*require\s*\(\s*['"]@tensorflow\/tfjs[\w-]*['"]/g;

export class InstanceGlobals {
  /** The property names that hold tfjs on every component. */
  readonly tfNames: ReadonlySet<string>;

  constructor(files: Iterable<string>, read: (file: string) => string | undefined) {
    const names = new Set<string>();
    for (const file of files) {
      if (!CANDIDATE.test(file)) continue;
      for (const name of tfProperties(read(file))) names.add(name);
    }
    this.tfNames = names;
  }

  /** Whether an edit of `file` can change the names (an entry or plugin file that sets globals). */
  static affects(file: string, before: string | undefined, after: string | undefined): boolean {
    if (!CANDIDATE.test(file)) return false;
    return tfProperties(before).join('\0') !== tfProperties(after).join('\0');
  }

  /** The names `text` reads on `this` (`this.$tf.`): the ones its analysis needs. */
  usedIn(text: string): string[] {
    return [...this.tfNames].filter((name) => text.includes(`this.${name}`));
  }
}

function tfProperties(text: string | undefined): string[] {
  if (!text || !namesTfjsModule(text)) return [];
  const bindings = new Set<string>();
  for (const match of text.matchAll(TFJS_BINDING)) bindings.add(match[1] ?? match[2]);
  return [...text.matchAll(ASSIGNED)]
    .filter((match) => bindings.has(match[2]))
    .map((match) => match[1]);
}
