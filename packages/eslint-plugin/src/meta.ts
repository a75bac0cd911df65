/** The plugin's name and version, and where its rules' pages are (read from its own package.json). */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const PLUGIN_NAME = 'eslint-plugin-gradient-lens';

interface OwnPackage {
  root: string;
  version: string;
  homepage: string | null;
}

const own = findOwnPackage(__dirname);
export const PLUGIN_VERSION = own?.version ?? '0.0.0';

/**
 * The page of a rule: under the package's homepage when it declares one, else the page installed
 * with the plugin (docs/rules/<id>.md), which editors open locally.
 */
export function docsUrl(ruleId: string): string {
  if (own?.homepage) return `${own.homepage.replace(/\/$/, '')}/docs/rules/${ruleId}.md`;
  const root = own?.root ?? join(__dirname, '..');
  const shipped = join(root, 'docs', 'rules', `${ruleId}.md`);
  // From sources the pages live at the repository root, three folders up from packages/eslint-plugin.
  const page = existsSync(shipped)
    ? shipped
    : join(root, '..', '..', 'docs', 'rules', `${ruleId}.md`);
  return pathToFileURL(page).href;
}

function findOwnPackage(start: string): OwnPackage | null {
  for (const root of [join(start, '..'), start]) {
    try {
      const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
        name?: unknown;
        version?: unknown;
        homepage?: unknown;
      };
      if (pkg.name !== PLUGIN_NAME) continue;
      return {
        root,
        version: typeof pkg.version === 'string' ? pkg.version : '0.0.0',
        homepage: typeof pkg.homepage === 'string' ? pkg.homepage : null,
      };
    } catch {
      // not here: try the next candidate
    }
  }
  return null;
}
