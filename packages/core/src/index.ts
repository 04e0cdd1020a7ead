export {
  errorMessage,
  FileError,
  GateFailure,
  InputError,
  PathError,
  UserError,
  type SourceLocation,
} from './errors.js';
export {
  escapeHtml,
  mermaidPlain,
  mermaidText,
  neutraliseCommands,
  safeInline,
  safeText,
  stripControl,
} from './escape.js';
export { execCommand, type ExecOptions, type ExecResult } from './exec.js';
export {
  DEFAULT_MAX_FILE_BYTES,
  isFile,
  jsonDepthExceededAt,
  MAX_NESTING_DEPTH,
  parseJsonText,
  positionOf,
  readFileLimited,
  readJsonFile,
  readTextFile,
} from './files.js';
export { parseYamlDocuments, parseYamlText, readYamlFile } from './yaml.js';
export {
  backoffDelay,
  HttpError,
  httpRequest,
  redact,
  redactUrl,
  type HttpRequestOptions,
  type HttpResponse,
} from './http.js';
export * as inputs from './inputs.js';
export {
  annotationAt,
  debug,
  error,
  group,
  info,
  maskSecret,
  notice,
  untrustedBlock,
  warning,
  type Annotation,
} from './log.js';
export { exportVariable, getState, saveState, setOutput } from './outputs.js';
export {
  formatDuration,
  MAX_DURATION_MS,
  parseBoolean,
  parseDuration,
  parseEnum,
  parseFloatStrict,
  parseInteger,
  parseList,
  parsePercentage,
  type NumberRange,
  type Parsed,
} from './parse.js';
export { runAction, type RunOptions } from './runner.js';
export { bold, code, link, Summary, TrustedHtml, type Cell, type LineSeries } from './summary.js';
export { expandGlobs, resolveInWorkspace, workspaceRelative, workspaceRoot } from './workspace.js';
export { parseXmlText, type XmlOptions } from './xml.js';
export { seededRandom } from './random.js';
export { isRecord } from './guards.js';
export { clip, MESSAGE_MAX, QUOTE_MAX, quote, quoteList } from './quote.js';
