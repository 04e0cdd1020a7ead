import { FileError, parseXmlText } from '@spikeformer-actions/core';
import { scanXml } from './xml/scan.js';

export type TestOutcome = 'passed' | 'failed' | 'error' | 'skipped';

export interface TestCase {
  suite: string;
  classname: string;
  name: string;
  outcome: TestOutcome;
  /** Failure/error/skip message (the element's message attribute, else its first line). */
  message: string;
  /** Failure/error body (traceback), trimmed. */
  details: string;
  file?: string;
  line?: number;
  timeSeconds: number;
}

export interface TestRun {
  file: string;
  cases: TestCase[];
  total: number;
  passed: number;
  failed: number;
  errors: number;
  skipped: number;
}

interface OpenCase {
  testCase: TestCase;
  detail?: 'failure' | 'error' | 'skipped';
  /** Inside the deciding failure/error/skipped element, whose text is the traceback. */
  inDetail: boolean;
  body: string[];
}

/**
 * JUnit XML from pytest (xunit1/xunit2), vitest, jest-junit, surefire, go-junit-report …
 * Counts come from the testcases, not from the suite attributes (producers disagree on them).
 * A case with <failure> is failed, with <error> an error, with <skipped> skipped (pytest's
 * xfail included). Read with the streaming scanner: the core's tree parser leaves character
 * references such as &#10; in attribute values undecoded, and pytest writes messages with them.
 */
export function parseJunit(text: string, file: string): TestRun {
  const run: TestRun = { file, cases: [], total: 0, passed: 0, failed: 0, errors: 0, skipped: 0 };
  const suites: string[] = [];
  const suiteFiles: Array<string | undefined> = [];
  let open: OpenCase | undefined;
  let rootChecked = false;
  scanXml(text, file, {
    open(name, attrs) {
      if (!rootChecked) {
        rootChecked = true;
        if (name !== 'testsuites' && name !== 'testsuite') {
          throw new FileError(
            file,
            `is not a JUnit report (root element <${name}>, expected <testsuites> or <testsuite>)`,
          );
        }
      }
      if (name === 'testsuite') {
        suites.push(attrs.name ?? suites[suites.length - 1] ?? '');
        suiteFiles.push(attrs.file ?? suiteFiles[suiteFiles.length - 1]);
      } else if (name === 'testcase') {
        const line = Number(attrs.line);
        const testCase: TestCase = {
          suite: suites[suites.length - 1] ?? '',
          classname: attrs.classname ?? '',
          name: attrs.name ?? '(unnamed)',
          outcome: 'passed',
          message: '',
          details: '',
          timeSeconds: Number(attrs.time) || 0,
        };
        const caseFile = attrs.file ?? suiteFiles[suiteFiles.length - 1];
        if (caseFile) testCase.file = caseFile;
        if (Number.isInteger(line) && line > 0) testCase.line = line;
        open = { testCase, inDetail: false, body: [] };
      } else if (open && (name === 'failure' || name === 'error' || name === 'skipped') && open.detail === undefined) {
        // The first verdict element decides; a later one (a rerun) does not change it.
        open.detail = name;
        open.inDetail = true;
        open.testCase.outcome = name === 'failure' ? 'failed' : name;
        open.testCase.message = attrs.message ?? '';
      }
    },
    close(name) {
      if (name === 'testsuite') {
        suites.pop();
        suiteFiles.pop();
      } else if (name === 'testcase' && open) {
        const details = open.body.join('').trim();
        open.testCase.details = details;
        if (open.testCase.message === '' && open.detail) open.testCase.message = details.split('\n')[0] ?? '';
        run.cases.push(open.testCase);
        open = undefined;
      } else if (open && name === open.detail) {
        open.inDetail = false;
      }
    },
    text(value) {
      if (open?.inDetail && open.body.length < 1000) open.body.push(value);
    },
  });
  for (const c of run.cases) {
    run.total++;
    if (c.outcome === 'passed') run.passed++;
    else if (c.outcome === 'failed') run.failed++;
    else if (c.outcome === 'error') run.errors++;
    else run.skipped++;
  }
  return run;
}

type Node = Record<string, unknown>;

function asArray(value: unknown): Node[] {
  if (value === undefined || value === null || typeof value !== 'object') return [];
  return (Array.isArray(value) ? value : [value]).filter((v): v is Node => typeof v === 'object' && v !== null);
}

function attr(node: Node, name: string): string | undefined {
  const v = node[`@_${name}`];
  return typeof v === 'string' ? v : undefined;
}

/** Suite-level counts as the file states them (sum over top-level suites), for cross-checks. */
export function statedJunitCounts(
  text: string,
  file: string,
): { tests: number; failures: number; errors: number; skipped: number } {
  const doc = parseXmlText(text, file, { arrays: ['testsuite'] });
  const root = (doc.testsuites as Node | undefined) ?? undefined;
  const suites = root ? asArray(root.testsuite) : asArray(doc.testsuite);
  const sum = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  for (const s of suites) {
    sum.tests += Number(attr(s, 'tests')) || 0;
    sum.failures += Number(attr(s, 'failures')) || 0;
    sum.errors += Number(attr(s, 'errors')) || 0;
    sum.skipped += Number(attr(s, 'skipped')) || 0;
  }
  return sum;
}
