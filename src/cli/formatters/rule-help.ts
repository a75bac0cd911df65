/**
 * A rule's help for SARIF (`help.text`, `help.markdown`): its docs page, shipped with the package.
 * Code scanning shows it beside each alert, so it must read on its own: links between pages become
 * absolute when the docs have a public address and plain text otherwise.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface RuleHelp {
  text: string;
  markdown: string;
}

export function ruleHelpReader(
  docsDir: string | null,
  docsBaseUri: string | null,
): (ruleId: string) => RuleHelp | null {
  const cache = new Map<string, RuleHelp | null>();
  return (ruleId) => {
    if (!cache.has(ruleId)) cache.set(ruleId, readHelp(docsDir, docsBaseUri, ruleId));
    return cache.get(ruleId) ?? null;
  };
}

function readHelp(docsDir: string | null, docsBaseUri: string | null, id: string): RuleHelp | null {
  if (!docsDir || !/^[a-z0-9-]+$/.test(id)) return null;
  let page: string;
  try {
    page = readFileSync(join(docsDir, `${id}.md`), 'utf8').replace(/\r\n/g, '\n');
  } catch {
    return null;
  }
  const markdown = page
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/\[([^\]]+)\]\(([^)]+)\)/g, (whole, label: string, target: string) => {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return whole;
      return docsBaseUri ? `[${label}](${new URL(target, docsBaseUri).href})` : label;
    })
    .trim();
  return { text: plainText(markdown), markdown };
}

/** The page without Markdown markup: headings, emphasis, code marks and fences, link targets. */
function plainText(markdown: string): string {
  return markdown
    .replace(/^```\w*\n?/gm, '')
    .replace(/^#+\s+/gm, '')
    .replace(/\*\*([^*]+)\*\*/g, '$1')
    .replace(/`([^`]+)`/g, '$1')
    .replace(/\[([^\]]+)\]\([^)]+\)/g, '$1');
}
