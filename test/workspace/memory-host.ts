/** A workspace host over an in-memory project: `{ 'src/model.js': '...' }` under a fake root. */
import { join } from 'node:path';
import { createWorkspace, type Workspace, type WorkspaceOptions } from '../../src/workspace';

export const ROOT = '/project';

export interface MemoryProject {
  ws: Workspace;
  path(relative: string): string;
  /** Every path the workspace asked the host to read, relative to the root. */
  reads: string[];
}

export function memoryProject(
  files: Record<string, string>,
  options: WorkspaceOptions = {},
): MemoryProject {
  const byPath = new Map(Object.entries(files).map(([rel, text]) => [join(ROOT, rel), text]));
  const reads: string[] = [];
  const ws = createWorkspace(
    ROOT,
    {
      readFile: (file) => {
        reads.push(file.startsWith(`${ROOT}/`) ? file.slice(ROOT.length + 1) : file);
        return byPath.get(file);
      },
      listFiles: () => [...byPath.keys()].filter((f) => f.startsWith(`${ROOT}/`)),
    },
    options,
  );
  return { ws, path: (relative) => join(ROOT, relative), reads };
}
