/** Parsing what an action prints and writes, the way the runner reads it. */

export interface WorkflowCommand {
  command: string;
  properties: Record<string, string>;
  message: string;
  /** `##[cmd]` legacy syntax rather than `::cmd::`. */
  legacy: boolean;
  line: number;
}

export interface AnnotationRecord {
  level: 'error' | 'warning' | 'notice';
  message: string;
  file?: string;
  line?: number;
  endLine?: number;
  column?: number;
  endColumn?: number;
  title?: string;
}

const unescapeData = (s: string): string => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
const unescapeProperty = (s: string): string =>
  s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');

function parseV2(line: string, lineNo: number): WorkflowCommand | undefined {
  // The runner trims the line, then needs `::name[ props]::message`.
  const text = line.trim();
  if (!text.startsWith('::')) return undefined;
  const end = text.indexOf('::', 2);
  if (end < 0) return undefined;
  const head = text.slice(2, end);
  const message = unescapeData(text.slice(end + 2));
  const space = head.indexOf(' ');
  const command = space < 0 ? head : head.slice(0, space);
  if (command === '') return undefined;
  const properties: Record<string, string> = {};
  if (space >= 0) {
    for (const pair of head.slice(space + 1).split(',')) {
      const eq = pair.indexOf('=');
      if (eq > 0) properties[pair.slice(0, eq).trim()] = unescapeProperty(pair.slice(eq + 1));
    }
  }
  return { command, properties, message, legacy: false, line: lineNo };
}

function parseLegacy(line: string, lineNo: number): WorkflowCommand | undefined {
  // `##[name key=value;key=value]message`, recognised anywhere in the line.
  const start = line.indexOf('##[');
  if (start < 0) return undefined;
  const close = line.indexOf(']', start + 3);
  if (close < 0) return undefined;
  const head = line.slice(start + 3, close);
  const space = head.indexOf(' ');
  const command = space < 0 ? head : head.slice(0, space);
  if (!/^[A-Za-z-]+$/.test(command)) return undefined;
  const properties: Record<string, string> = {};
  if (space >= 0) {
    for (const pair of head.slice(space + 1).split(';')) {
      const eq = pair.indexOf('=');
      if (eq > 0) properties[pair.slice(0, eq).trim()] = pair.slice(eq + 1);
    }
  }
  return { command, properties, message: line.slice(close + 1), legacy: true, line: lineNo };
}

/**
 * Every workflow command in a step's stdout. Lines are split on CR, LF and CRLF, as the
 * runner's reader does; `::stop-commands::<token>` suspends parsing until `::<token>::`.
 */
export function parseWorkflowCommands(stdout: string): WorkflowCommand[] {
  const commands: WorkflowCommand[] = [];
  let stopToken: string | undefined;
  const lines = stdout.split(/\r\n|\r|\n/);
  lines.forEach((line, index) => {
    const lineNo = index + 1;
    const cmd = parseV2(line, lineNo) ?? parseLegacy(line, lineNo);
    if (stopToken !== undefined) {
      if (cmd && !cmd.legacy && cmd.command === stopToken) stopToken = undefined;
      return;
    }
    if (!cmd) return;
    if (cmd.command === 'stop-commands' && cmd.message) {
      stopToken = cmd.message;
      return;
    }
    commands.push(cmd);
  });
  return commands;
}

export function annotationsOf(commands: readonly WorkflowCommand[]): AnnotationRecord[] {
  const out: AnnotationRecord[] = [];
  for (const c of commands) {
    if (c.command !== 'error' && c.command !== 'warning' && c.command !== 'notice') continue;
    const p = c.properties;
    const num = (v: string | undefined): number | undefined => (v === undefined ? undefined : Number(v));
    const record: AnnotationRecord = { level: c.command, message: c.message };
    if (p.file !== undefined) record.file = p.file;
    const line = num(p.line);
    if (line !== undefined) record.line = line;
    const endLine = num(p.endLine);
    if (endLine !== undefined) record.endLine = endLine;
    const column = num(p.col);
    if (column !== undefined) record.column = column;
    const endColumn = num(p.endColumn);
    if (endColumn !== undefined) record.endColumn = endColumn;
    if (p.title !== undefined) record.title = p.title;
    out.push(record);
  }
  return out;
}

/** A file command file (GITHUB_OUTPUT, GITHUB_STATE, GITHUB_ENV): `k=v` and `k<<DELIM … DELIM`. */
export function parseFileCommand(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').replace(/\r$/, '');
    if (line === '') continue;
    const heredoc = line.indexOf('<<');
    const eq = line.indexOf('=');
    if (heredoc > 0 && (eq < 0 || heredoc < eq)) {
      const key = line.slice(0, heredoc);
      const delimiter = line.slice(heredoc + 2);
      const value: string[] = [];
      for (i++; i < lines.length && (lines[i] ?? '').replace(/\r$/, '') !== delimiter; i++) value.push(lines[i] ?? '');
      if (i >= lines.length) throw new Error(`file command: no closing delimiter for ${key}`);
      result[key] = value.join('\n');
    } else if (eq > 0) {
      result[line.slice(0, eq)] = line.slice(eq + 1);
    } else {
      throw new Error(`file command: cannot parse line ${JSON.stringify(line)}`);
    }
  }
  return result;
}
