/**
 * The workspace on disk, for the CLI: the root is the nearest folder above the files that holds a
 * package.json or .git (else the working directory); files are read only inside it, never in
 * node_modules, and never when larger than the parse limit.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { AnalysisResult } from '../analysis/ir';
import { MAX_SOURCE_LENGTH } from '../analysis/js/parse';
import type { LintConfig, LintDependencies } from '../lint';
import { isSourceFile } from '../lint/files';
import type { LintResult } from '../lint/types';
import { lintWorkspaceFile } from './lint';
import { createWorkspace, DEFAULT_MAX_FILES, mayRead, type Workspace, type WorkspaceHost } from '.';

const SKIPPED = new Set(['node_modules', '.git']);

/** The project root of `files`: the nearest common folder with a package.json or .git. */
export function findRoot(files: readonly string[], cwd: string, fallback = resolve(cwd)): string {
  const dirs = files.map((f) => dirname(resolve(cwd, f)));
  for (let dir = commonDir(dirs.length > 0 ? dirs : [cwd]); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) || existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return fallback;
  }
}

export function diskWorkspace(
  root: string,
  maxFiles = DEFAULT_MAX_FILES,
  maxAnalyses?: number,
): Workspace {
  return createWorkspace(root, diskHost(root, maxFiles), { maxFiles, maxAnalyses });
}

export function diskHost(root: string, maxFiles: number): WorkspaceHost {
  return {
    readFile: (file) => {
      if (!mayRead(root, file)) return undefined;
      try {
        if (statSync(file).size > MAX_SOURCE_LENGTH * 4) return undefined;
        return readFileSync(file, 'utf8');
      } catch {
        return undefined;
      }
    },
    listFiles: () => listSources(root, maxFiles),
  };
}

/** Source files under `root`, breadth first, at most `max`; symlinked folders are not followed. */
function listSources(root: string, max: number): string[] {
  const out: string[] = [];
  const queue = [root];
  while (queue.length > 0 && out.length < max) {
    const dir = queue.shift()!;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (SKIPPED.has(entry.name)) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) queue.push(path);
      else if (entry.isFile() && isSourceFile(entry.name) && out.length < max) out.push(path);
    }
  }
  return out;
}

function commonDir(dirs: string[]): string {
  let common = dirs[0];
  for (const dir of dirs.slice(1)) {
    while (dir !== common && !dir.startsWith(`${common}/`)) {
      const parent = dirname(common);
      if (parent === common) return common;
      common = parent;
    }
  }
  return common;
}

/**
 * The analyses a lint run's workspace keeps (WorkspaceOptions.maxAnalyses): a run lints each file
 * once, and another file asks for an analysis again mostly soon after (a trainer linted beside the
 * builder it imports); a dropped one is redone, with the same result.
 */
export const LINT_RUN_ANALYSES = 64;

/**
 * The workspaces of the files named on a command line: each file belongs to the project of the
 * nearest folder above it with a package.json or .git (else the working directory).
 */
export class ProjectWorkspaces {
  private readonly byRoot = new Map<string, Workspace>();

  /**
   * `ownFolder`: a file outside any project is its folder's only (an editor, whose working
   * directory can be `/`); else the working directory is the root, as for the CLI.
   * `maxAnalyses`: each workspace's bound on the analyses it keeps (WorkspaceOptions).
   */
  constructor(
    private readonly cwd: string,
    private readonly ownFolder = false,
    private readonly maxAnalyses?: number,
  ) {}

  forFile(file: string): Workspace {
    const path = resolve(this.cwd, file);
    // A file outside the working directory (and outside any project) is its folder's only.
    const inCwd = path.startsWith(`${resolve(this.cwd)}/`);
    const root = findRoot(
      [path],
      this.cwd,
      this.ownFolder || !inCwd ? dirname(path) : resolve(this.cwd),
    );
    let ws = this.byRoot.get(root);
    if (!ws) this.byRoot.set(root, (ws = diskWorkspace(root, DEFAULT_MAX_FILES, this.maxAnalyses)));
    return ws;
  }

  /** `file` as given on the command line, analysed in its project with the text already read. */
  analyze(file: string, source: string): AnalysisResult {
    const path = resolve(this.cwd, file);
    const ws = this.forFile(path);
    ws.update(path, source);
    return { ...ws.analyzeFile(path), filePath: file };
  }
}

/**
 * Lints versions of one file's text as part of its project. The result names the other files the
 * analysis read (`readFiles`), so a cache can tell when one of them changed.
 */
export function workspaceLinter(
  workspaces: ProjectWorkspaces,
  file: string,
  config: LintConfig,
  dependencies: LintDependencies = {},
): (text: string) => LintResult {
  return (text) => {
    const ws = workspaces.forFile(file);
    const { result } = lintWorkspaceFile(ws, file, text, config, dependencies);
    const read = ws.linkedFiles(resolve(file));
    return read.length > 0 ? { ...result, readFiles: read } : result;
  };
}
