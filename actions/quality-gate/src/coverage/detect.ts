import { FileError, parseJsonText } from '@spikeformer-actions/core';
import { parseCobertura } from './cobertura.js';
import { parseCoveragePy } from './coveragepy.js';
import { parseJacoco } from './jacoco.js';
import { parseLcov } from './lcov.js';
import type { CoverageFormat, CoverageReport } from './model.js';

/** Which coverage format a text is, from its content (not its name). */
export function detectCoverageFormat(text: string, file: string): CoverageFormat {
  const head = text
    .slice(0, 4096)
    .replace(/^\uFEFF/, '')
    .trimStart();
  if (head === '') throw new FileError(file, 'is empty, expected a coverage report');
  if (head.startsWith('{')) return 'coveragepy';
  if (head.startsWith('<')) {
    // The root element decides: <coverage> (Cobertura) or <report> (JaCoCo).
    const root = /<(?![?!])([A-Za-z_][\w.-]*)/.exec(head.replace(/<!--[\s\S]*?-->/g, ''));
    if (root?.[1] === 'coverage') return 'cobertura';
    if (root?.[1] === 'report') return 'jacoco';
    throw new FileError(
      file,
      `is XML with root <${root?.[1] ?? '?'}>, which is neither Cobertura (<coverage>) nor JaCoCo (<report>)`,
    );
  }
  if (/^(TN|SF):/m.test(head)) return 'lcov';
  throw new FileError(
    file,
    'is not a coverage report this action reads (Cobertura XML, LCOV, JaCoCo XML, coverage.py JSON)',
  );
}

export function parseCoverage(
  text: string,
  file: string,
  format: CoverageFormat = detectCoverageFormat(text, file),
): CoverageReport {
  switch (format) {
    case 'cobertura':
      return parseCobertura(text, file);
    case 'jacoco':
      return parseJacoco(text, file);
    case 'lcov':
      return parseLcov(text, file);
    case 'coveragepy':
      return parseCoveragePy(parseJsonText(text, file), file);
  }
}
