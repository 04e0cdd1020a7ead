import { readFileSync } from 'node:fs';
import { fixturePath } from '@spikeformer-actions/testing';
import { mergeFindings } from '../src/merge.js';
import type { Finding, RawFinding, ReportFormat } from '../src/model.js';
import { parseReport, type ReportShape } from '../src/parsers/detect.js';
import type { ParseResult } from '../src/parsers/types.js';

/** The workspace root the fixtures' paths are placed against (no file is read from it). */
export const ROOT = '/home/runner/work/app/app';

export function fixtureJson(relative: string): unknown {
  return JSON.parse(readFileSync(fixturePath(`reports/${relative}`), 'utf8')) as unknown;
}

export function parseFixture(relative: string, forced?: ReportFormat): ParseResult & { shape: ReportShape } {
  return parseReport(fixtureJson(relative), { report: `reports/${relative}`, root: ROOT }, forced);
}

export function parseDoc(
  doc: unknown,
  report = 'report.json',
  forced?: ReportFormat,
): ParseResult & { shape: ReportShape } {
  return parseReport(doc, { report, root: ROOT }, forced);
}

export const noSource = (): undefined => undefined;

export function merge(raw: readonly RawFinding[]): Finding[] {
  return mergeFindings(raw, noSource).findings;
}

export function countBy<T>(items: readonly T[], key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of items) out[key(i)] = (out[key(i)] ?? 0) + 1;
  return out;
}
