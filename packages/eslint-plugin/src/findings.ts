/**
 * The file's analysis, made once per lint run from ESLint's own AST and shared by every rule of the
 * plugin (keyed by the SourceCode object, which ESLint creates once per file and pass).
 */
import type { SourceCode } from 'eslint';
import { analyzeAst } from '../../../src/analysis';
import type { AnalysisResult } from '../../../src/analysis/ir';
import type { Finding, Rule } from '../../../src/rules/types';

const analyses = new WeakMap<SourceCode, AnalysisResult>();

/** One rule's findings over every model of the file, a loop's repeats of one finding kept once. */
export function findingsOf(
  rule: Rule,
  sourceCode: SourceCode,
  filePath: string,
  options: Record<string, number | string | boolean>,
): Finding[] {
  const analysis = analysisOf(sourceCode, filePath);
  const found: Finding[] = [];
  const seen = new Set<string>();
  for (const model of analysis.models) {
    let findings: Finding[];
    try {
      findings = rule.check(model, { source: sourceCode.text, analysis, options });
    } catch {
      // A crashing rule must not take the other rules (or ESLint's run) down with it.
      continue;
    }
    for (const finding of findings) {
      const key = `${finding.span.start}:${finding.span.end}:${finding.messageId}`;
      if (seen.has(key)) continue;
      seen.add(key);
      found.push(finding);
    }
  }
  return found;
}

function analysisOf(sourceCode: SourceCode, filePath: string): AnalysisResult {
  let analysis = analyses.get(sourceCode);
  if (!analysis) {
    // ESLint's tree is typescript-estree's (with @typescript-eslint/parser) or espree's: both ESTree.
    const ast = sourceCode.ast as unknown as Parameters<typeof analyzeAst>[0];
    analysis = analyzeAst(ast, sourceCode.text, filePath);
    analyses.set(sourceCode, analysis);
  }
  return analysis;
}
