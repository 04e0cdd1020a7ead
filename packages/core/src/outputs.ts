import * as core from '@actions/core';

/** Output values go through the runner's file command with a random delimiter, so any text is safe. */
export function setOutput(name: string, value: string | number | boolean | readonly string[]): void {
  core.setOutput(name, Array.isArray(value) ? value.join('\n') : String(value));
}

/** State for the action's own post step (read there as STATE_<name>). */
export function saveState(name: string, value: unknown): void {
  core.saveState(name, typeof value === 'string' ? value : JSON.stringify(value));
}

export function getState(name: string): string {
  return core.getState(name);
}

export function exportVariable(name: string, value: string): void {
  core.exportVariable(name, value);
}
