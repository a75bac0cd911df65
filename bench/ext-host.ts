/**
 * What VS Code's extension host does with what vscode-languageclient hands it, after the client's
 * own conversion: it turns the API objects into the plain records its renderer takes and serialises
 * them over its RPC channel (JSON). A stand-in written from VS Code's sources (extHostDiagnostics,
 * extHostLanguageFeatures' CodeLens, inlay hint and code action adapters, extHostTypeConverters,
 * CommandsConverter), so the client bench counts that work too: per keystroke it is as much the
 * host's as the client's conversion is. The shapes are VS Code's; the code is this project's.
 */

interface PositionLike {
  line: number;
  character: number;
}
interface RangeLike {
  start: PositionLike;
  end: PositionLike;
}
interface CommandLike {
  title: string;
  command: string;
  tooltip?: string;
  arguments?: unknown[];
}
interface DiagnosticLike {
  range: RangeLike;
  message: string;
  severity: number;
  source?: string;
  code?: string | number | { value: string | number; target: unknown };
  relatedInformation?: { location: { uri: unknown; range: RangeLike }; message: string }[];
  tags?: number[];
}
interface CodeLensLike {
  range: RangeLike;
  command?: CommandLike;
}
interface InlayHintLike {
  position: PositionLike;
  label: string | { value: string }[];
  tooltip?: string | { value: string };
  kind?: number;
  paddingLeft?: boolean;
  paddingRight?: boolean;
}

/** VS Code keeps at most this many markers per file and collection (errors first). */
export const MAX_MARKERS_PER_FILE = 1000;

function rangeFrom(range: RangeLike) {
  return {
    startLineNumber: range.start.line + 1,
    startColumn: range.start.character + 1,
    endLineNumber: range.end.line + 1,
    endColumn: range.end.character + 1,
  };
}

/** vscode.DiagnosticSeverity (Error 0 … Hint 3) to the renderer's MarkerSeverity. */
const MARKER_SEVERITY = [8, 4, 2, 1];

function markerFrom(diagnostic: DiagnosticLike) {
  const code = diagnostic.code;
  return {
    ...rangeFrom(diagnostic.range),
    message: diagnostic.message,
    source: diagnostic.source,
    code:
      code === undefined || code === ''
        ? undefined
        : typeof code === 'object'
          ? { value: String(code.value), target: code.target }
          : String(code),
    severity: MARKER_SEVERITY[diagnostic.severity] ?? 2,
    relatedInformation: diagnostic.relatedInformation?.map((info) => ({
      ...rangeFrom(info.location.range),
      message: info.message,
      resource: info.location.uri,
    })),
    tags: Array.isArray(diagnostic.tags)
      ? diagnostic.tags.filter((t) => t === 1 || t === 2)
      : undefined,
  };
}

let sent = 0;
/** The host's side of the renderer channel: its messages are serialised as JSON. */
function send(method: string, args: unknown[]): void {
  sent += JSON.stringify({ method, args }).length;
}
/** Characters the host has serialised for its renderer so far. */
export function sentToRenderer(): number {
  return sent;
}

export interface ExtensionHost {
  /** DiagnosticCollection.set(uri, diagnostics). */
  setDiagnostics(uri: string, diagnostics: readonly DiagnosticLike[]): void;
  /** The diagnostics code actions are asked with: those of the document touching `line`. */
  diagnosticsAt(line: number): DiagnosticLike[];
  /** A CodeLens provider's answer, as the renderer gets it. */
  codeLenses(lenses: readonly CodeLensLike[] | null | undefined): void;
  /** A resolved CodeLens, as the renderer gets it. */
  resolvedCodeLens(lens: CodeLensLike | null | undefined): void;
  inlayHints(hints: readonly InlayHintLike[] | null | undefined): void;
  codeActions(
    actions: readonly { title: string; command?: CommandLike }[] | null | undefined,
  ): void;
}

export function extensionHost(): ExtensionHost {
  const collection = new Map<string, DiagnosticLike[]>();
  let cacheIds = 0;
  const commandCache = new Map<number, CommandLike>();
  // CommandsConverter.toInternal: a command with arguments stays in the host, the renderer gets an id.
  const commandFrom = (command: CommandLike | undefined) => {
    if (!command) return undefined;
    const result: {
      id: string;
      title: string;
      tooltip?: string;
      $ident?: number;
      arguments?: unknown[];
    } = { id: command.command, title: command.title, tooltip: command.tooltip };
    if (command.command && command.arguments && command.arguments.length > 0) {
      const id = ++cacheIds;
      commandCache.set(id, command);
      result.$ident = id;
      result.id = '_vscode_delegate_cmd';
      result.arguments = [id];
    }
    return result;
  };
  // Each new answer releases the previous one's cached commands, as the renderer does.
  const release = () => commandCache.clear();
  return {
    setDiagnostics(uri, diagnostics) {
      const kept = diagnostics.slice();
      collection.set(uri, kept);
      let markers;
      if (kept.length > MAX_MARKERS_PER_FILE) {
        markers = [];
        outer: for (const severity of [0, 1, 2, 3]) {
          for (const diagnostic of kept) {
            if (diagnostic.severity !== severity) continue;
            if (markers.push(markerFrom(diagnostic)) === MAX_MARKERS_PER_FILE) break outer;
          }
        }
        const last = markers[markers.length - 1];
        markers.push({
          ...last,
          severity: 2,
          message: `Not showing ${kept.length - MAX_MARKERS_PER_FILE} further errors and warnings.`,
        });
      } else {
        markers = kept.map(markerFrom);
      }
      send('$changeMany', ['gradientLens', [[{ $mid: 1, scheme: 'file', path: uri }, markers]]]);
    },
    diagnosticsAt(line) {
      const found: DiagnosticLike[] = [];
      for (const list of collection.values()) {
        for (const diagnostic of Object.freeze(list.slice(0))) {
          if (diagnostic.range.start.line <= line && line <= diagnostic.range.end.line)
            found.push(diagnostic);
        }
      }
      return found;
    },
    codeLenses(lenses) {
      release();
      if (!lenses) return;
      const cacheId = ++cacheIds;
      send('$provideCodeLenses', [
        {
          cacheId,
          lenses: lenses.map((lens, i) => ({
            cacheId: [cacheId, i],
            range: rangeFrom(lens.range),
            command: commandFrom(lens.command),
          })),
        },
      ]);
    },
    resolvedCodeLens(lens) {
      if (!lens) return;
      send('$resolveCodeLens', [
        { range: rangeFrom(lens.range), command: commandFrom(lens.command) },
      ]);
    },
    inlayHints(hints) {
      if (!hints) return;
      const cacheId = ++cacheIds;
      send('$provideInlayHints', [
        {
          cacheId,
          hints: hints.map((hint, i) => ({
            label:
              typeof hint.label === 'string'
                ? hint.label
                : hint.label.map((p) => ({ label: p.value })),
            cacheId: [cacheId, i],
            tooltip: typeof hint.tooltip === 'string' ? hint.tooltip : hint.tooltip?.value,
            position: { lineNumber: hint.position.line + 1, column: hint.position.character + 1 },
            kind: hint.kind,
            paddingLeft: hint.paddingLeft,
            paddingRight: hint.paddingRight,
          })),
        },
      ]);
    },
    codeActions(actions) {
      if (!actions || actions.length === 0) return;
      const cacheId = ++cacheIds;
      send('$provideCodeActions', [
        {
          cacheId,
          actions: actions.map((action, i) => ({
            cacheId: [cacheId, i],
            title: action.title,
            command: commandFrom(action.command),
          })),
        },
      ]);
    },
  };
}
