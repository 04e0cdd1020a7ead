import type { Finding } from './model.js';

/**
 * The texts of a SARIF rule. Code scanning shows a rule's fullDescription and help to whoever
 * triages its alerts, and GitHub's ingestion rules (SARIF Multitool GH2012) want both on every
 * rule. The tool's own words come first; without them, a sentence from the rule id and tool.
 */
export interface RuleText {
  fullDescription: string;
  help: string;
  helpUri: string | undefined;
}

const VULN_ID = /^(CVE-\d{4}-\d+|GHSA(-[23456789cfghjmpqrvwx]{4}){3}|PYSEC-\d{4}-\d+|GO-\d{4}-\d+|RUSTSEC-\d{4}-\d+)$/i;
const CODEQL_LANGUAGES: Record<string, string> = {
  py: 'python',
  js: 'javascript',
  java: 'java',
  cpp: 'cpp',
  cs: 'csharp',
  go: 'go',
  rb: 'ruby',
  swift: 'swift',
};

/** A documentation page that exists for this rule id, when one is known by its form alone. */
export function knownHelpUri(ruleId: string, tools: readonly string[]): string | undefined {
  if (VULN_ID.test(ruleId)) return `https://osv.dev/vulnerability/${ruleId.toUpperCase()}`;
  const codeql = /^([a-z]+)\/([a-z0-9/-]+)$/.exec(ruleId);
  const language = codeql ? CODEQL_LANGUAGES[codeql[1] as string] : undefined;
  if (codeql && language && tools.some((t) => t.toLowerCase() === 'codeql')) {
    return `https://codeql.github.com/codeql-query-help/${language}/${codeql[1]}-${(codeql[2] as string).replace(/\//g, '-')}/`;
  }
  if (/^[a-z]+(-[a-z]+)*$/.test(ruleId) && tools.some((t) => t.toLowerCase() === 'eslint'))
    return `https://eslint.org/docs/latest/rules/${ruleId}`;
  return undefined;
}

function sentence(text: string): string {
  const t = text.trim();
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

export function ruleText(f: Finding): RuleText {
  const helpUri = f.helpUrl ?? knownHelpUri(f.ruleId, f.tools);
  const tools = f.tools.join('+');
  const own = f.ruleDescription ?? f.description;
  const derived =
    f.package !== undefined
      ? `Known vulnerability ${f.ruleId} in a dependency, reported by ${tools}.`
      : `${tools} rule ${f.ruleId}${f.ruleName !== undefined && f.ruleName !== f.ruleId ? ` (${f.ruleName})` : ''}.`;
  const fullDescription = own === undefined ? derived : sentence(own);
  const help = f.ruleHelp ?? (helpUri === undefined ? fullDescription : `${fullDescription} See ${helpUri}`);
  return { fullDescription, help, helpUri };
}
