/**
 * The tool's version and links for SARIF, read from the package's own package.json at run time
 * (found upward from this module, so it works from src/ under tsx and from the dist/ bundle).
 * Links are only the package's public `homepage` / GitHub `repository`: a local file:// link would
 * be dead wherever the SARIF log is read (code scanning), so without one there is no link.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface ToolInfo {
  version: string;
  informationUri: string | null;
  /** Public folder of the `<rule-id>.md` pages, ending in "/". */
  docsBaseUri: string | null;
  /** The docs/rules folder shipped with the package (SARIF embeds each rule's page as help). */
  docsDir: string | null;
}

export function toolInfo(startDirectory: string = __dirname): ToolInfo {
  const found = findOwnPackage(startDirectory);
  if (!found) return { version: '0.0.0', informationUri: null, docsBaseUri: null, docsDir: null };
  const { root, pkg } = found;
  const repository = githubUrl(pkg.repository);
  const homepage =
    typeof pkg.homepage === 'string' && /^https?:\/\//.test(pkg.homepage) ? pkg.homepage : null;
  const docsDir = join(root, 'docs', 'rules');
  return {
    version: typeof pkg.version === 'string' ? pkg.version : '0.0.0',
    informationUri: homepage ?? repository,
    docsBaseUri: repository ? `${repository}/blob/HEAD/docs/rules/` : null,
    docsDir: existsSync(docsDir) ? docsDir : null,
  };
}

interface PackageJson {
  name?: unknown;
  version?: unknown;
  homepage?: unknown;
  repository?: unknown;
}

function findOwnPackage(start: string): { root: string; pkg: PackageJson } | null {
  for (let dir = start; ; dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson;
      if (pkg.name === 'gradient-lens') return { root: dir, pkg };
    } catch {
      // no package.json here (or not ours): keep going up
    }
    if (dirname(dir) === dir) return null;
  }
}

function githubUrl(repository: unknown): string | null {
  const url =
    typeof repository === 'string'
      ? repository
      : typeof repository === 'object' && repository !== null && 'url' in repository
        ? String((repository as { url: unknown }).url)
        : null;
  const match = url ? /github\.com[/:]([^/]+)\/([^/#]+?)(?:\.git)?(?:[#/].*)?$/.exec(url) : null;
  return match ? `https://github.com/${match[1]}/${match[2]}` : null;
}
