/**
 * URIs as clients send them and file paths as the engine reads them. Clients differ in how they
 * spell the same file (`file:///c%3A/x.ts` from VS Code, `file:///C:/x.ts` from Neovim), so every
 * map keyed by document goes through `documentKey`.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LANGUAGES } from './protocol';

/** The extension an untitled buffer is linted as, by its language id (else `.js`). */
const UNTITLED_EXTENSIONS: Record<string, string> = {
  python: '.py',
  html: '.html',
  vue: '.vue',
  svelte: '.svelte',
};

/** The file path the engine lints (config files are found from it), or null for untitled buffers. */
export function uriToPath(uri: string): string | null {
  if (!uri.startsWith('file:')) return null;
  try {
    const path = fileURLToPath(uri);
    // Windows drive letters: the same file whatever case the client used.
    return /^[a-z]:/.test(path) ? path[0].toUpperCase() + path.slice(1) : path;
  } catch {
    return null;
  }
}

export function pathToUri(path: string): string {
  return pathToFileURL(path).href;
}

/** One key per file whatever the client's percent-encoding; other schemes stay as sent. */
export function documentKey(uri: string): string {
  const path = uriToPath(uri);
  return path === null ? uri : pathToUri(path);
}

/** What the linter is given as the file path: the real path, or a name that keeps the extension. */
export function lintPath(uri: string, languageId?: string): string {
  const path = uriToPath(uri);
  if (path !== null) return path;
  const tail = uri.slice(uri.lastIndexOf('/') + 1) || 'untitled.js';
  if (/\.(?:[cm]?[jt]sx?|py|html?|vue|svelte)$/.test(tail)) return tail;
  return `${tail}${UNTITLED_EXTENSIONS[languageId ?? ''] ?? '.js'}`;
}

/** Documents the server analyses: by language id, or by extension when the client sends another id. */
export function isCandidate(languageId: string, uri: string): boolean {
  return LANGUAGES.includes(languageId) || /\.(?:[cm]?[jt]sx?|py|html?|vue|svelte)$/.test(uri);
}

export const CONFIG_FILE = '.gradientlensrc.json';

/** The sources an import can reach, watched so that importers follow their changes on disk. */
export const SOURCE_GLOB = '**/*.{js,mjs,cjs,jsx,ts,mts,cts,tsx,py}';
