import { FileError } from '@spikeformer-actions/core';
import {
  addLine,
  type CoverageReport,
  countProblem,
  type FileCoverage,
  fileFor,
  isLineNumber,
  lineNumberProblem,
} from './model.js';

/**
 * LCOV tracefile: SF/DA/BRDA/LF/LH/BRF/BRH/end_of_record. DA may carry a checksum
 * (coverage.py writes one). The stated totals are the sums of each record's LF/LH/BRF/BRH.
 */
export function parseLcov(text: string, file: string): CoverageReport {
  const report: CoverageReport = {
    format: 'lcov',
    file,
    files: new Map(),
    sourceRoots: [],
    stated: {},
    hasBranches: false,
  };
  let current: FileCoverage | undefined;
  // Branches per line of the current record: line → [total, covered].
  let branches = new Map<number, [number, number]>();
  let record = { lf: -1, lh: -1, brf: -1, brh: -1 };
  const sums = { lf: 0, lh: 0, brf: 0, brh: 0, lfSeen: false, brfSeen: false };
  const flush = (): void => {
    if (!current) return;
    for (const [line, [total, covered]] of branches) {
      // A branch on a line without DA is left out of the per-line data (diff-cover reads DA only).
      current.lines.addBranches(line, total, covered);
    }
    if (record.lf >= 0 && record.lh >= 0) {
      current.stated = {
        lines: record.lf,
        linesCovered: record.lh,
        branches: Math.max(record.brf, 0),
        branchesCovered: Math.max(record.brh, 0),
      };
    }
    branches = new Map();
    record = { lf: -1, lh: -1, brf: -1, brh: -1 };
  };
  let lineNo = 0;
  let start = 0;
  // A record's stated total (LF, LH, BRF, BRH): a count; empty counts as 0, as lcov's own tools read it.
  const stated = (name: string, given: string): number => {
    const n = given.trim() === '' ? 0 : Number(given);
    if (isLineNumber(n)) return n;
    throw new FileError(file, `${name}: ${countProblem(given.trim().slice(0, 40))}`, { line: lineNo });
  };
  const len = text.length;
  let sawRecord = false;
  while (start < len) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = len;
    lineNo++;
    const line = text.slice(start, text.charCodeAt(end - 1) === 13 ? end - 1 : end).trim();
    start = end + 1;
    if (line === '') continue;
    const colon = line.indexOf(':');
    const tag = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1);
    const bad = (problem: string): never => {
      throw new FileError(file, problem, { line: lineNo });
    };
    switch (tag) {
      case 'SF':
        flush();
        if (value === '') bad('SF: without a path');
        current = fileFor(report.files, value.replace(/\\/g, '/'));
        sawRecord = true;
        break;
      case 'DA': {
        if (!current) bad('DA: outside an SF: record');
        const c1 = value.indexOf(',');
        const c2 = value.indexOf(',', c1 + 1);
        const ln = Number(value.slice(0, c1));
        const hits = Number(c2 === -1 ? value.slice(c1 + 1) : value.slice(c1 + 1, c2));
        if (c1 === -1 || !Number.isInteger(ln) || !Number.isFinite(hits))
          bad(`invalid DA: line '${line.slice(0, 80)}'`);
        if (!isLineNumber(ln)) bad(`DA: ${lineNumberProblem(value.slice(0, c1))}`);
        addLine(current as FileCoverage, ln, hits);
        break;
      }
      case 'BRDA': {
        if (!current) bad('BRDA: outside an SF: record');
        const parts = value.split(',');
        const ln = Number(parts[0]);
        if (parts.length !== 4 || !Number.isInteger(ln)) bad(`invalid BRDA: line '${line.slice(0, 80)}'`);
        if (!isLineNumber(ln)) bad(`BRDA: ${lineNumberProblem(parts[0] as string)}`);
        const taken = parts[3] === '-' ? 0 : Number(parts[3]);
        const entry = branches.get(ln) ?? [0, 0];
        entry[0]++;
        if (taken > 0) entry[1]++;
        branches.set(ln, entry);
        report.hasBranches = true;
        break;
      }
      case 'LF':
        record.lf = stated(tag, value);
        sums.lf += record.lf;
        sums.lfSeen = true;
        break;
      case 'LH':
        record.lh = stated(tag, value);
        sums.lh += record.lh;
        break;
      case 'BRF':
        record.brf = stated(tag, value);
        sums.brf += record.brf;
        sums.brfSeen = true;
        break;
      case 'BRH':
        record.brh = stated(tag, value);
        sums.brh += record.brh;
        break;
      case 'end_of_record':
        flush();
        current = undefined;
        break;
      default:
        // TN, FN*, VER, MCDC … and records of newer lcov versions carry nothing this gate needs.
        if (!/^[A-Z][A-Za-z_]*$/.test(tag) || colon === -1) bad(`not an LCOV line: '${line.slice(0, 80)}'`);
    }
  }
  flush();
  if (!sawRecord) throw new FileError(file, 'is not an LCOV report or is empty (no SF: record)');
  if (sums.lfSeen) report.stated.lines = { total: sums.lf, covered: sums.lh };
  if (sums.brfSeen) report.stated.branches = { total: sums.brf, covered: sums.brh };
  return report;
}
