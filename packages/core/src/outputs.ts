import { issueKeyValue, rawState } from './commands.js';

/** Output values go through the runner's file command with a delimiter absent from the value, so any text is safe. */
export function setOutput(name: string, value: string | number | boolean | readonly string[]): void {
  issueKeyValue('OUTPUT', 'set-output', name, Array.isArray(value) ? value.join('\n') : String(value));
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
