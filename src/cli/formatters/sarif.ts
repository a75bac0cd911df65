/**
 * `--format sarif`: one SARIF 2.1.0 run. Rule findings are results; the linter's own problems
 * (parse errors, crashed rules, directive problems) are tool execution notifications, so code
 * scanning does not show them as code alerts but they stay visible in the log.
 */
import { isAbsolute, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Sarif from 'sarif';
import type { LintMessage, LintProblem, LintResult } from '../../lint/types';
import type { Rule } from '../../rules/types';
import type { FormatContext, Formatter } from './types';

const SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const SRCROOT = '%SRCROOT%';
const LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;

export const formatSarif: Formatter = (results, context) =>
  `${JSON.stringify(sarifLog(results, context), null, 2)}\n`;

export function sarifLog(results: readonly LintResult[], context: FormatContext): Sarif.Log {
  const ruleIndex = new Map(context.rules.map((rule, index) => [rule.id, index]));
  const sarifResults: Sarif.Result[] = [];
  const notifications: Sarif.Notification[] = [];
  for (const result of results) {
    const location = artifactLocation(result.filePath, context.cwd);
    for (const message of result.messages) {
      sarifResults.push(toResult(message, location, ruleIndex.get(message.ruleId)));
    }
    for (const problem of result.problems) notifications.push(toNotification(problem, location));
  }
  return {
    version: '2.1.0',
    $schema: SCHEMA,
    runs: [
      {
        tool: {
          driver: {
            name: 'gradient-lens',
            version: context.toolVersion,
            ...(context.informationUri ? { informationUri: context.informationUri } : {}),
            rules: context.rules.map((rule) => descriptor(rule, context)),
          },
        },
        // Columns and offsets index JavaScript strings; SARIF's default would be code points.
        columnKind: 'utf16CodeUnits',
        originalUriBaseIds: { [SRCROOT]: { uri: directoryUri(context.cwd) } },
        invocations: [
          {
            executionSuccessful: !results.some((r) =>
              r.problems.some((p) => p.kind === 'internal'),
            ),
            toolExecutionNotifications: notifications,
          },
        ],
        results: sarifResults,
      },
    ],
  };
}

function descriptor(rule: Rule, context: FormatContext): Sarif.ReportingDescriptor {
  const help = context.ruleHelp?.(rule.id) ?? null;
  return {
    id: rule.id,
    shortDescription: { text: rule.meta.description },
    ...(help ? { help: { text: help.text, markdown: help.markdown } } : {}),
    ...(context.docsBaseUri ? { helpUri: `${context.docsBaseUri}${rule.id}.md` } : {}),
    defaultConfiguration: { level: LEVEL[rule.meta.defaultSeverity] },
    properties: { type: rule.meta.type, fixable: rule.meta.fixable },
  };
}

function toResult(
  message: LintMessage,
  location: Sarif.ArtifactLocation,
  ruleIndex: number | undefined,
): Sarif.Result {
  const { span } = message;
  const result: Sarif.Result = {
    ruleId: message.ruleId,
    level: LEVEL[message.severity],
    message: { text: message.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: location,
          region: {
            startLine: span.line,
            startColumn: span.column,
            endLine: span.endLine,
            endColumn: span.endColumn,
          },
        },
      },
    ],
  };
  if (ruleIndex !== undefined) result.ruleIndex = ruleIndex;
  if (message.fixes.length > 0) {
    result.fixes = message.fixes.map((fix) => ({
      description: { text: fix.title },
      artifactChanges: [
        {
          artifactLocation: location,
          replacements: fix.edits.map((edit) => ({
            deletedRegion: { charOffset: edit.start, charLength: edit.end - edit.start },
            insertedContent: { text: edit.text },
          })),
        },
      ],
    }));
  }
  return result;
}

function toNotification(
  problem: LintProblem,
  location: Sarif.ArtifactLocation,
): Sarif.Notification {
  return {
    level: LEVEL[problem.severity],
    message: { text: problem.message },
    descriptor: { id: `gradient-lens/${problem.kind}` },
    locations: [
      {
        physicalLocation: {
          artifactLocation: location,
          region: {
            startLine: problem.line,
            startColumn: problem.column,
            endLine: problem.endLine,
            endColumn: problem.endColumn,
          },
        },
      },
    ],
  };
}

/** Relative to the cwd (with %SRCROOT% as its base) when inside it, else an absolute file URI. */
function artifactLocation(filePath: string, cwd: string): Sarif.ArtifactLocation {
  const rel = relative(cwd, filePath);
  if (!rel || rel.startsWith('..') || isAbsolute(rel)) return { uri: pathToFileURL(filePath).href };
  return { uri: rel.split(sep).map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
}

function directoryUri(directory: string): string {
  const href = pathToFileURL(directory).href;
  return href.endsWith('/') ? href : `${href}/`;
}
