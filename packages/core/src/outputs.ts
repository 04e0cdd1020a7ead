import { issueKeyValue, rawState } from './commands.js';

/**
 * Output values go through the runner's file command with a delimiter absent from the value.
 * A value is one line, or a list of one-line items (written one per line): a CR or LF inside a
 * value or an item would let text from a file name or a report add a line that a consumer
 * reading the output line by line takes for its own, so it is refused here, for every action.
 */
export function setOutput(name: string, value: string | number | boolean | readonly string[]): void {
  const items = Array.isArray(value) ? (value as readonly string[]) : [String(value)];
  for (const item of items) {
    if (/[\r\n\u2028\u2029]/.test(item))
      throw new Error(`output ${name}: a value holds a line break; escape it before setting the output`);
  }
  issueKeyValue('OUTPUT', 'set-output', name, items.join('\n'));
}

/** State for the action's own post step (read there as STATE_<name>). */
export function saveState(name: string, value: unknown): void {
  issueKeyValue('STATE', 'save-state', name, typeof value === 'string' ? value : JSON.stringify(value));
}

export function getState(name: string): string {
  return rawState(name);
}

export function exportVariable(name: string, value: string): void {
  process.env[name] = value;
  issueKeyValue('ENV', 'set-env', name, value);
}
