import { appendFileSync, existsSync } from 'node:fs';
import { EOL } from 'node:os';

/**
 * The runner's command protocol, as @actions/core 3.0.1 writes it (command.js, file-command.js):
 * `::name key=value::message` on stdout, and `key<<ghadelimiter_<random>` blocks appended to the
 * GITHUB_OUTPUT/STATE/ENV files (absentToken says how the delimiter is chosen). Written here
 * rather than imported because @actions/core's module graph (OIDC → http-client → undici) costs
 * ~100 ms of every action's start-up and none of it is used. The behaviour is pinned by tests
 * that parse the output the way the runner does.
 */

export type CommandProperties = Record<string, string | number | undefined>;

function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** `::command k=v,k=v::message` — properties without a value are left out, as the toolkit does. */
export function formatCommand(command: string, properties: CommandProperties, message: string): string {
  const props = Object.entries(properties)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined && entry[1] !== '')
    .map(([key, value]) => `${key}=${escapeProperty(String(value))}`);
  return `::${command}${props.length > 0 ? ` ${props.join(',')}` : ''}::${escapeData(message)}`;
}

export function issueCommand(command: string, properties: CommandProperties, message: string): void {
  process.stdout.write(formatCommand(command, properties, message) + EOL);
}

/**
 * A token that occurs in none of the texts: `prefix` and random hex, drawn again until it
 * does not occur (the first, in practice). What the runner reads up to a token (a file
 * command's value, a block with commands stopped) cannot end early when the token is absent
 * from it; that check, not the randomness, is what makes any text safe. @actions/core draws a
 * UUID from node:crypto instead, whose loading costs 7–12 ms of a run.
 */
export function absentToken(prefix: string, texts: readonly string[], random: () => number = Math.random): string {
  const draw = (): string => `${prefix}${random().toString(16).slice(2)}${random().toString(16).slice(2)}`;
  let token = draw();
  while (texts.some((t) => t.includes(token))) token = draw();
  return token;
}

/** A heredoc block for a file command, with a delimiter that occurs in neither key nor value. */
export function keyValueBlock(key: string, value: string, random: () => number = Math.random): string {
  const delimiter = absentToken('ghadelimiter_', [key, value], random);
  return `${key}<<${delimiter}${EOL}${value}${EOL}${delimiter}`;
}

/**
 * Appends to GITHUB_<kind> when the runner provides it; otherwise falls back to the stdout
 * command (old runners, plain `node dist/index.js`), as @actions/core does.
 */
export function issueKeyValue(kind: 'OUTPUT' | 'STATE' | 'ENV', legacy: string, key: string, value: string): void {
  const file = process.env[`GITHUB_${kind}`] ?? '';
  if (file === '') {
    if (kind === 'OUTPUT') process.stdout.write(EOL);
    issueCommand(legacy, { name: key }, value);
    return;
  }
  if (!existsSync(file)) throw new Error(`Missing file at path: ${file}`);
  appendFileSync(file, `${keyValueBlock(key, value)}${EOL}`, { encoding: 'utf8' });
}

/** `INPUT_<NAME>` with spaces as underscores, upper-cased, as the runner sets it. */
export function rawInput(name: string, trim: boolean): string {
  const value = process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '';
  return trim ? value.trim() : value;
}

/** What the action's main step saved with saveState, as the runner passes it to post. */
export function rawState(name: string): string {
  return process.env[`STATE_${name}`] ?? '';
}
