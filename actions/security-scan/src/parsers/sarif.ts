import { isCve, uniqueCwes, uniqueIds } from '../identifiers.js';
import { arr, cvssScore, num, obj, own, position, str, strings, type JsonObject } from '../json-access.js';
import { banditIdOfRuff, banditSeverityOfRuff } from '../bandit-rules.js';
import { severityFromCvss, type Category, type RawFinding, type Severity } from '../model.js';
import { codeLocation, placePath, type PlacedPath } from '../paths.js';
import type { ParseContext, ParseResult } from './types.js';

export function looksLikeSarif(doc: JsonObject): boolean {
  return Array.isArray(doc.runs) && (str(doc.version) === '2.1.0' || /sarif/i.test(str(doc.$schema) ?? ''));
}

const LEVEL: Record<string, Severity> = { error: 'high', warning: 'medium', note: 'low', none: 'info' };

/** Tool names as run categories and finding tools: lower-case, no spaces. */
export function toolName(name: string | undefined): string {
  const n = (name ?? 'sarif')
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return n === '' ? 'sarif' : n;
}

interface RunContext {
  rules: JsonObject[][]; // [driver, ...extensions]
  artifacts: unknown[];
  baseIds: JsonObject;
  root: string;
  /** What each rule contributes to its results, worked out once per rule. */
  ruleInfos: Map<JsonObject | undefined, RuleInfo>;
}

interface RuleInfo {
  tags: string[];
  securitySeverity?: number;
  level: string;
  helpUri?: string;
  /** The rule's fullDescription and help texts. */
  fullDescription?: string;
  help?: string;
  cwes: string[];
  /** The category from the rule's id and tags (valid for results with the same rule id and no tags of their own). */
  category?: Category;
}

function nonBlank(text: string | undefined): string | undefined {
  return text === undefined || text.trim() === '' ? undefined : text;
}

function ruleInfo(rule: JsonObject | undefined, run: RunContext): RuleInfo {
  const known = run.ruleInfos.get(rule);
  if (known) return known;
  const props = obj(rule?.properties) ?? {};
  const tags = strings(props.tags);
  const securitySeverity = cvssScore(props['security-severity']);
  const helpUri = str(rule?.helpUri);
  const id = str(rule?.id);
  const fullDescription = nonBlank(str(obj(rule?.fullDescription)?.text));
  const help = nonBlank(str(obj(rule?.help)?.text) ?? str(obj(rule?.help)?.markdown));
  const info: RuleInfo = {
    tags,
    level: str(obj(rule?.defaultConfiguration)?.level) ?? 'warning',
    cwes: uniqueCwes([...tags.filter((t) => /cwe/i.test(t) && /\d/.test(t)), ...arr(props.cwe)]),
    ...(securitySeverity === undefined ? {} : { securitySeverity }),
    ...(helpUri === undefined ? {} : { helpUri }),
    ...(fullDescription === undefined ? {} : { fullDescription }),
    ...(help === undefined ? {} : { help }),
    ...(id === undefined ? {} : { category: categoryOf(id, tags) }),
  };
  run.ruleInfos.set(rule, info);
  return info;
}

function ruleOf(result: JsonObject, run: RunContext): JsonObject | undefined {
  const ref = obj(result.rule);
  // rule.toolComponent.index points into tool.extensions; without it the rule is the driver's.
  const component = num(obj(ref?.toolComponent)?.index);
  const table = run.rules[component === undefined ? 0 : component + 1] ?? [];
  const index = num(ref?.index) ?? num(result.ruleIndex);
  if (index !== undefined && index >= 0 && obj(table[index])) return table[index];
  const id = str(result.ruleId) ?? str(ref?.id);
  if (id === undefined) return undefined;
  for (const rules of run.rules) {
    const found = rules.find((r) => str(r.id) === id);
    if (found) return found;
  }
  return undefined;
}

/** `{0}` placeholders of a message string filled with the result's arguments. */
function fill(template: string, args: readonly string[]): string {
  return template.replace(/\{(\d+)\}/g, (whole, i: string) => args[Number(i)] ?? whole);
}

function messageOf(result: JsonObject, rule: JsonObject | undefined): string {
  const message = obj(result.message) ?? {};
  const args = strings(message.arguments);
  const text = str(message.text) ?? str(obj(obj(rule?.messageStrings)?.[str(message.id) ?? ''])?.text);
  if (text !== undefined) return fill(text, args);
  return str(obj(rule?.shortDescription)?.text) ?? str(rule?.id) ?? '';
}

/** Resolves uri + uriBaseId (+ index into run.artifacts) to a placed path. */
function placeArtifact(location: JsonObject | undefined, run: RunContext): PlacedPath | undefined {
  if (!location) return undefined;
  const indexed = obj(obj(run.artifacts[num(location.index) ?? -1])?.location);
  const uri = str(location.uri) ?? str(indexed?.uri);
  if (uri === undefined) return undefined;
  const baseId = str(location.uriBaseId) ?? str(indexed?.uriBaseId);
  const base = baseId === undefined ? undefined : str(obj(run.baseIds[baseId])?.uri);
  // An absolute base (file:///src/) joins the relative uri; symbolic bases (%SRCROOT%) mean the checkout root.
  const joined =
    base !== undefined && /^file:/i.test(base) && !/^[a-z]+:/i.test(uri) ? `${base.replace(/\/?$/, '/')}${uri}` : uri;
  return placePath(joined, run.root);
}

/** The value of the alphabetically first key with a string value (a tool's fingerprint map). */
function firstValue(map: JsonObject | undefined): string | undefined {
  if (map === undefined) return undefined;
  let best: string | undefined;
  let value: string | undefined;
  for (const k in map) {
    const v = str(map[k]);
    if (v !== undefined && (best === undefined || k < best)) {
      best = k;
      value = v;
    }
  }
  return value;
}

/** A rule id that is a vulnerability id (CVE or GHSA). */
function isVulnId(ruleId: string): boolean {
  const c = ruleId.charCodeAt(0);
  // Only ids starting with c/C or g/G can be one: most rule ids are skipped without a copy.
  if (c !== 67 && c !== 99 && c !== 71 && c !== 103) return false;
  return isCve(ruleId.toUpperCase()) || /^GHSA-/i.test(ruleId);
}

function ruleNameOf(rule: JsonObject | undefined, ruleId: string): string | undefined {
  const name = str(rule?.name);
  return name === ruleId ? undefined : name;
}

function firstLine(text: string): string {
  const nl = text.indexOf('\n');
  return nl === -1 ? text : text.slice(0, nl);
}

function snippetOf(physical: JsonObject, line: number | undefined): string | undefined {
  const region = obj(physical.region);
  const direct = str(obj(region?.snippet)?.text);
  if (direct !== undefined) return firstLine(direct);
  const context = obj(physical.contextRegion);
  const text = str(obj(context?.snippet)?.text);
  const start = position(context?.startLine);
  if (text === undefined || start === undefined || line === undefined) return undefined;
  return text.split('\n')[line - start];
}

function categoryOf(ruleId: string, tags: readonly string[]): Category {
  const lower = tags.map((t) => t.toLowerCase());
  if (lower.includes('secret') || lower.includes('secrets')) return 'secret';
  if (lower.includes('misconfiguration') || lower.includes('iac')) return 'misconfiguration';
  if (lower.includes('vulnerability') || isCve(ruleId.toUpperCase()) || /^GHSA-/i.test(ruleId)) return 'dependency';
  return 'sast';
}

export function parseSarif(doc: JsonObject, ctx: ParseContext): ParseResult {
  const findings: RawFinding[] = [];
  const notes: string[] = [];
  const versions: string[] = [];
  for (const r of arr(doc.runs)) {
    const runObj = obj(r);
    if (!runObj) continue;
    const tool = obj(runObj.tool) ?? {};
    const driver = obj(tool.driver) ?? {};
    const name = toolName(str(driver.name));
    const version = str(driver.semanticVersion) ?? str(driver.version);
    versions.push(version === undefined ? name : `${name} ${version}`);
    const run: RunContext = {
      rules: [arr(driver.rules), ...arr(tool.extensions).map((e) => arr(obj(e)?.rules))].map((list) =>
        list.map((x) => obj(x) ?? {}),
      ),
      artifacts: arr(runObj.artifacts),
      baseIds: obj(runObj.originalUriBaseIds) ?? {},
      root: ctx.root,
      ruleInfos: new Map(),
    };
    for (const inv of arr(runObj.invocations)) {
      const invocation = obj(inv);
      for (const n of arr(invocation?.toolExecutionNotifications)) {
        const note = obj(n);
        if (str(note?.level) === 'error')
          notes.push(`${name}: ${str(obj(note?.message)?.text) ?? 'tool execution error'}`);
      }
      if (invocation?.executionSuccessful === false) notes.push(`${name}: the run reports executionSuccessful: false`);
    }
    for (const x of arr(runObj.results)) {
      const result = obj(x);
      if (!result) continue;
      const kind = str(result.kind) ?? 'fail';
      if (kind === 'pass' || kind === 'notApplicable') continue;
      const rule = ruleOf(result, run);
      const ruleId = str(result.ruleId) ?? str(obj(result.rule)?.id) ?? str(rule?.id) ?? name;
      const info = ruleInfo(rule, run);
      const resultProps = obj(result.properties);
      const resultTags = resultProps === undefined ? [] : strings(resultProps.tags);
      const tags = resultTags.length === 0 ? info.tags : [...info.tags, ...resultTags];
      const securitySeverity = cvssScore(resultProps?.['security-severity']) ?? info.securitySeverity;
      const level = str(result.level) ?? info.level;
      const message = messageOf(result, rule);
      // ruff rates every result `error`; its flake8-bandit rules take bandit's severity for the same test.
      const banditSeverity =
        name === 'ruff' && securitySeverity === undefined ? banditSeverityOfRuff(ruleId, message) : undefined;
      const severity =
        securitySeverity !== undefined
          ? severityFromCvss(securitySeverity)
          : (banditSeverity ?? own(LEVEL, level) ?? 'medium');
      const physical = obj(obj(arr(result.locations)[0])?.physicalLocation);
      const placed = placeArtifact(obj(physical?.artifactLocation), run);
      const region = obj(physical?.region) ?? {};
      const line = position(region.startLine);
      const column = position(region.startColumn);
      const endLine = position(region.endLine);
      const endColumn = position(region.endColumn);
      const partial = obj(result.partialFingerprints);
      const toolFingerprint =
        str(partial?.primaryLocationLineHash) ?? firstValue(obj(result.fingerprints)) ?? firstValue(partial);
      const suppression =
        result.suppressions === undefined
          ? undefined
          : arr(result.suppressions)
              .map(obj)
              .find((s) => s !== undefined && str(s.status) !== 'rejected' && str(s.status) !== 'underReview');
      const snippet = physical ? snippetOf(physical, line) : undefined;
      const help = info.helpUri;
      const cwes =
        resultTags.length === 0
          ? info.cwes
          : uniqueCwes([...info.cwes, ...resultTags.filter((t) => /cwe/i.test(t) && /\d/.test(t))]);
      findings.push({
        tool: name,
        ruleId,
        ruleName: ruleNameOf(rule, ruleId),
        category:
          resultTags.length === 0 && info.category !== undefined && str(rule?.id) === ruleId
            ? info.category
            : categoryOf(ruleId, tags),
        severity,
        toolSeverity:
          securitySeverity !== undefined
            ? `security-severity ${securitySeverity}`
            : banditSeverity !== undefined
              ? `${level} (as bandit ${banditIdOfRuff(ruleId) ?? ''}: ${banditSeverity})`
              : level,
        cvss: securitySeverity,
        message,
        ...(info.fullDescription === undefined ? {} : { ruleDescription: info.fullDescription }),
        ...(info.help === undefined ? {} : { ruleHelp: info.help }),
        helpUrl: help,
        location: placed === undefined ? undefined : codeLocation(placed, line, column, endLine, endColumn),
        vulnIds: isVulnId(ruleId) ? uniqueIds([ruleId]) : [],
        cwes,
        snippet,
        toolFingerprint,
        suppressedBy: suppression
          ? `in source (${str(suppression.kind) ?? 'suppression'}${str(suppression.justification) ? `: ${str(suppression.justification)}` : ''})`
          : undefined,
        report: ctx.report,
      });
    }
  }
  return { findings, notes, ...(versions.length > 0 ? { toolVersion: versions.join(', ') } : {}) };
}
