import { FileError } from '@spikeformer-actions/core';
import { scanXml } from '../xml/scan.js';
import { addLine, type CoverageReport, type FileCoverage, fileFor, isLineNumber, lineNumberProblem } from './model.js';

const CONDITION = /\((\d+)\/(\d+)\)/;

/** An integer attribute; undefined when absent, empty or not an integer. */
function int(value: number | undefined): number | undefined {
  return value !== undefined && Number.isInteger(value) ? value : undefined;
}

/** Cobertura XML (coverage.py `coverage xml`, gcovr, istanbul's cobertura reporter …). */
export function parseCobertura(text: string, file: string): CoverageReport {
  const report: CoverageReport = {
    format: 'cobertura',
    file,
    files: new Map(),
    sourceRoots: [],
    stated: {},
    hasBranches: false,
  };
  let current: FileCoverage | undefined;
  let inSource = false;
  let inLines = false;
  let inMethod = false;
  let rootChecked = false;
  const badLine = (where: FileCoverage, number: number): never => {
    throw new FileError(file, `<line> in ${where.reportPath}: ${lineNumberProblem(String(number))}`);
  };
  scanXml(text, file, {
    // coverage.py writes most lines as exactly this (lines with branches have more attributes and
    // come through openTag).
    numericRuns: {
      element: 'line',
      attributes: ['number', 'hits'],
      rows(values, count) {
        if (!inLines || !current) return;
        for (let i = 0; i < 2 * count; i += 2) {
          const number = values[i] as number;
          if (!isLineNumber(number)) badLine(current, number);
          addLine(current, number, values[i + 1] as number);
        }
      },
    },
    // openTag, not open: attribute values are read only where needed (200,000 <line> tags in a large report).
    openTag(tag) {
      const name = tag.name;
      if (!rootChecked) {
        rootChecked = true;
        if (name !== 'coverage')
          throw new FileError(file, `is not a Cobertura report (root element <${name}>, expected <coverage>)`);
        const lv = int(tag.number('lines-valid'));
        const lc = int(tag.number('lines-covered'));
        if (lv !== undefined && lc !== undefined) report.stated.lines = { total: lv, covered: lc };
        const bv = int(tag.number('branches-valid'));
        const bc = int(tag.number('branches-covered'));
        if (bv !== undefined && bc !== undefined) report.stated.branches = { total: bv, covered: bc };
        return;
      }
      if (name === 'line' && inLines && current) {
        const number = int(tag.number('number'));
        const hits = int(tag.number('hits'));
        if (number === undefined || hits === undefined) {
          throw new FileError(file, `<line> in ${current.reportPath} without a numeric number/hits attribute`);
        }
        if (!isLineNumber(number)) badLine(current, number);
        let branches = 0;
        let covered = 0;
        if (tag.attr('branch') === 'true') {
          const m = CONDITION.exec(tag.attr('condition-coverage') ?? '');
          if (m) {
            covered = Number(m[1]);
            branches = Number(m[2]);
            report.hasBranches = true;
          }
        }
        addLine(current, number, hits, branches, covered);
      } else if (name === 'class') {
        const filename = tag.attr('filename');
        if (!filename) throw new FileError(file, `<class name="${tag.attr('name') ?? ''}"> has no filename attribute`);
        current = fileFor(report.files, filename.replace(/\\/g, '/'));
      } else if (name === 'lines') {
        // Only class-level <lines>; method-level ones repeat the same lines.
        inLines = current !== undefined && !inMethod;
      } else if (name === 'method') {
        inMethod = true;
      } else if (name === 'source') {
        inSource = true;
      }
    },
    close(name) {
      if (name === 'class') current = undefined;
      else if (name === 'lines') inLines = false;
      else if (name === 'method') inMethod = false;
      else if (name === 'source') inSource = false;
    },
    text(value) {
      if (inSource && value.trim() !== '') report.sourceRoots.push(value.trim().replace(/\\/g, '/'));
    },
  });
  return report;
}
