import { FileError } from '@spikeformer-actions/core';
import { type Finding, type FindingLevel, posInt, record, str } from './model.js';

const LEVELS: Record<string, FindingLevel> = { error: 'error', warning: 'warning', note: 'note', none: 'note' };

/**
 * SARIF 2.1.0 from any tool: every run's results, with ruleIndex/artifact index references
 * resolved; level from the result, else the rule's default configuration, else warning.
 */
export function parseSarif(data: unknown, file: string): Finding[] {
  const root = record(data);
  if (!root || !Array.isArray(root.runs)) throw new FileError(file, 'is not SARIF (expected an object with "runs")');
  const out: Finding[] = [];
  for (const runValue of root.runs) {
    const run = record(runValue);
    if (!run) continue;
    const driver = record(record(run.tool)?.driver);
    const toolName = str(driver?.name) ?? 'sarif';
    const rules = Array.isArray(driver?.rules) ? driver.rules.map(record) : [];
    const artifacts = Array.isArray(run.artifacts) ? run.artifacts.map(record) : [];
    const results = Array.isArray(run.results) ? run.results : [];
    for (const resultValue of results) {
      const result = record(resultValue);
      if (!result) continue;
      const ruleIndex =
        typeof result.ruleIndex === 'number'
          ? result.ruleIndex
          : typeof record(result.rule)?.index === 'number'
            ? (record(result.rule)?.index as number)
            : -1;
      const rule = ruleIndex >= 0 ? rules[ruleIndex] : undefined;
      const ruleId = str(result.ruleId) ?? str(record(result.rule)?.id) ?? str(rule?.id) ?? '';
      const ruleById = rule ?? rules.find((r) => str(r?.id) === ruleId);
      const defaultLevel = str(record(ruleById?.defaultConfiguration)?.level);
      const level = LEVELS[str(result.level) ?? defaultLevel ?? 'warning'] ?? 'warning';
      const message = record(result.message);
      const text =
        str(message?.text) ?? str(message?.markdown) ?? str(record(ruleById?.shortDescription)?.text) ?? ruleId;
      const location = Array.isArray(result.locations)
        ? record(record(result.locations[0])?.physicalLocation)
        : undefined;
      const artifact = record(location?.artifactLocation);
      const artifactIndex = typeof artifact?.index === 'number' ? artifact.index : -1;
      const uri = str(artifact?.uri) ?? str(record(artifacts[artifactIndex]?.location)?.uri) ?? '';
      const region = record(location?.region);
      const f: Finding = { tool: toolName, kind: 'lint', level, rule: ruleId, file: uri, message: text };
      const line = posInt(region?.startLine);
      if (line !== undefined) f.line = line;
      const endLine = posInt(region?.endLine);
      if (endLine !== undefined) f.endLine = endLine;
      const column = posInt(region?.startColumn);
      if (column !== undefined) f.column = column;
      out.push(f);
    }
  }
  return out;
}
