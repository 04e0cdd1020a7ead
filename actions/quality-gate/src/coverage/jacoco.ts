import { FileError } from '@spikeformer-actions/core';
import { scanXml } from '../xml/scan.js';
import { addLine, type CoverageReport, type FileCoverage, fileFor, isLineNumber, lineNumberProblem } from './model.js';

function count(value: string | undefined): number {
  const n = value === undefined ? 0 : Number(value);
  return Number.isInteger(n) && n >= 0 ? n : 0;
}

/**
 * JaCoCo XML. A file is `<package name="a/b">` + `<sourcefile name="X.java">`; a line is
 * executable when it has instructions (mi + ci > 0), covered when ci > 0; branches are mb + cb.
 * The report's own totals are the `<counter>` children of `<report>`.
 */
export function parseJacoco(text: string, file: string): CoverageReport {
  const report: CoverageReport = {
    format: 'jacoco',
    file,
    files: new Map(),
    sourceRoots: [],
    stated: {},
    hasBranches: false,
  };
  let pkg = '';
  let current: FileCoverage | undefined;
  let rootChecked = false;
  const addJacocoLine = (into: FileCoverage, nr: number, mi: number, ci: number, mb: number, cb: number): void => {
    if (!isLineNumber(nr)) throw new FileError(file, `<line> in ${into.reportPath}: ${lineNumberProblem(String(nr))}`);
    if (mb + cb > 0) report.hasBranches = true;
    if (mi + ci > 0) addLine(into, nr, ci, mb + cb, cb);
  };
  scanXml(text, file, {
    // How JaCoCo writes every line; written otherwise, a line comes through open.
    numericRuns: {
      element: 'line',
      attributes: ['nr', 'mi', 'ci', 'mb', 'cb'],
      rows(values, rowCount) {
        if (!current) return;
        for (let i = 0; i < 5 * rowCount; i += 5) {
          addJacocoLine(
            current,
            values[i] as number,
            values[i + 1] as number,
            values[i + 2] as number,
            values[i + 3] as number,
            values[i + 4] as number,
          );
        }
      },
    },
    open(name, attrs, depth) {
      if (!rootChecked) {
        rootChecked = true;
        if (name !== 'report')
          throw new FileError(file, `is not a JaCoCo report (root element <${name}>, expected <report>)`);
        return;
      }
      if (name === 'package') {
        pkg = attrs.name ?? '';
      } else if (name === 'sourcefile') {
        const base = attrs.name ?? '';
        current = fileFor(report.files, pkg === '' ? base : `${pkg}/${base}`);
      } else if (name === 'line' && current) {
        const nr = Number(attrs.nr);
        if (!Number.isInteger(nr))
          throw new FileError(file, `<line> in ${current.reportPath} without a numeric nr attribute`);
        addJacocoLine(current, nr, count(attrs.mi), count(attrs.ci), count(attrs.mb), count(attrs.cb));
      } else if (name === 'counter' && depth === 1) {
        const missed = count(attrs.missed);
        const covered = count(attrs.covered);
        if (attrs.type === 'LINE') report.stated.lines = { total: missed + covered, covered };
        else if (attrs.type === 'BRANCH') report.stated.branches = { total: missed + covered, covered };
      }
    },
    close(name) {
      if (name === 'sourcefile') current = undefined;
      else if (name === 'package') pkg = '';
    },
  });
  return report;
}
