/**
 * The tool's version and links for SARIF, read from the package's own package.json at run time
 * (found upward from this module, so it works from src/ under tsx and from the dist/ bundle).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface ToolInfo {
  version: string;
  informationUri: string;
  docsBaseUri: string;
}

export function toolInfo(startDirectory: string = __dirname): ToolInfo {
  const found = findOwnPackage(startDirectory);
  if (!found) {
    return { version: '0.0.0', informationUri: 'about:blank', docsBaseUri: 'about:blank#' };
  }
  const { root, pkg } = found;
  const repository = githubUrl(pkg.repository);
  const homepage = typeof pkg.homepage === 'string' ? pkg.homepage : null;
  const localReadme = pathToFileURL(join(root, 'README.md')).href;
  return {
    version: typeof pkg.version === 'string' ? pkg.version : '0.0.0',
    informationUri: homepage ?? repository ?? localReadme,
    // Without a published repository the docs pages shipped with the package are the best link.
    docsBaseUri: repository
      ? `${repository}/blob/HEAD/docs/rules/`
      : `${pathToFileURL(join(root, 'docs', 'rules')).href}/`,
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
