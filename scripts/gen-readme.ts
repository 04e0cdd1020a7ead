// Writes the inputs/outputs tables of each action's README from its action.yml, between
// <!-- inputs:start --> … <!-- inputs:end --> and <!-- outputs:start --> … <!-- outputs:end -->.
// Usage: node scripts/gen-readme.ts [--check] [name…]   (--check: exit 1 when a README is out of date)
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  actionNames,
  actionsDir,
  type ActionMetadata,
  type PermissionRecord,
  readActionMetadata,
  readPermissions,
} from './lib/actions.ts';

const cell = (text: string): string =>
  text
    .replace(/\s*\n\s*/g, ' ')
    .replace(/\|/g, '\\|')
    .trim();

export function inputsTable(meta: ActionMetadata): string {
  const rows = Object.entries(meta.inputs ?? {}).map(
    ([name, spec]) =>
      `| \`${name}\` | ${spec.required ? 'yes' : 'no'} | ${spec.default === undefined || spec.default === '' ? '' : `\`${cell(String(spec.default))}\``} | ${cell(spec.description ?? '')} |`,
  );
  return ['| input | required | default | description |', '|---|---|---|---|', ...rows].join('\n');
}

export function outputsTable(meta: ActionMetadata): string {
  const rows = Object.entries(meta.outputs ?? {}).map(
    ([name, spec]) => `| \`${name}\` | ${cell(spec.description ?? '')} |`,
  );
  return ['| output | description |', '|---|---|', ...rows].join('\n');
}

export function permissionsTable(record: PermissionRecord): string {
  const entries = Object.entries(record);
  if (entries.length === 0) return 'No `GITHUB_TOKEN` permission is needed.';
  const rows = entries.map(
    ([scope, need]) =>
      `| \`${scope}: ${need.access}\` | ${need.when === undefined ? 'always' : `\`${cell(need.when)}\``}${need.events ? ` (on ${need.events.map((e) => `\`${e}\``).join(', ')})` : ''} | ${cell(need.why)} |`,
  );
  return ['| permission | when | why |', '|---|---|---|', ...rows].join('\n');
}

function replaceBetween(text: string, marker: string, body: string, file: string): string {
  const start = `<!-- ${marker}:start -->`;
  const end = `<!-- ${marker}:end -->`;
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error(`${file}: markers ${start} … ${end} are missing`);
  return `${text.slice(0, a + start.length)}\n${body}\n${text.slice(b)}`;
}

export function renderReadme(name: string): { file: string; current: string; wanted: string } {
  const dir = path.join(actionsDir, name);
  const file = path.join(dir, 'README.md');
  const current = readFileSync(file, 'utf8');
  const meta = readActionMetadata(dir);
  let wanted = replaceBetween(
    replaceBetween(current, 'inputs', inputsTable(meta), file),
    'outputs',
    outputsTable(meta),
    file,
  );
  // An action that records the permissions it needs (permissions.yml) shows them.
  const permissions = readPermissions(dir);
  if (permissions !== undefined) wanted = replaceBetween(wanted, 'permissions', permissionsTable(permissions), file);
  return { file, current, wanted };
}

if (import.meta.main) {
  const check = process.argv.includes('--check');
  const named = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  let drift = 0;
  for (const name of named.length > 0 ? named : actionNames()) {
    if (!existsSync(path.join(actionsDir, name, 'README.md'))) {
      console.error(`actions/${name}/README.md is missing`);
      drift++;
      continue;
    }
    const { file, current, wanted } = renderReadme(name);
    if (current === wanted) continue;
    drift++;
    if (check) console.error(`${path.relative(process.cwd(), file)} is out of date: run node scripts/gen-readme.ts`);
    else writeFileSync(file, wanted);
  }
  console.log(check ? `gen-readme --check: ${drift} README(s) out of date` : `gen-readme: ${drift} README(s) updated`);
  process.exit(check && drift > 0 ? 1 : 0);
}
