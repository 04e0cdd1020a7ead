/**
 * A stand-in for the GitHub CLI's `gh api <path> [--paginate] [-q|--jq EXPR]` (GET only) that
 * sends the request to GITHUB_API_URL: the real `gh` reaches only https hosts (GH_HOST), not a
 * local double. As `gh` does, it authenticates with GH_TOKEN (or GITHUB_TOKEN), follows the
 * Link header's next page with --paginate, prints strings raw with --jq (through the jq on PATH),
 * and on an HTTP error prints the body, says `gh: <message> (HTTP <status>)` on stderr and exits 1.
 * Self-contained (node: imports only) so it runs as a program from lib/.
 */
import { spawnSync } from 'node:child_process';

interface Parsed {
  path: string;
  paginate: boolean;
  jq: string | undefined;
}

function parseArgs(args: string[]): Parsed {
  if (args[0] !== 'api') throw new Error(`the stand-in gh only knows \`gh api\`, not \`gh ${args[0] ?? ''}\``);
  const parsed: Parsed = { path: '', paginate: false, jq: undefined };
  for (let i = 1; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--paginate') parsed.paginate = true;
    else if (arg === '-q' || arg === '--jq') parsed.jq = args[++i];
    else if (arg.startsWith('--jq=')) parsed.jq = arg.slice('--jq='.length);
    else if (arg === '--method' || arg === '-X') {
      const method = args[++i] ?? '';
      if (method.toUpperCase() !== 'GET') throw new Error(`the stand-in gh sends GET only, not ${method}`);
    } else if (arg.startsWith('-')) throw new Error(`the stand-in gh does not know the flag ${arg}`);
    else if (parsed.path === '') parsed.path = arg;
    else throw new Error(`unexpected argument ${arg}`);
  }
  if (parsed.path === '') throw new Error('gh api needs an endpoint');
  return parsed;
}

function nextLink(link: string | null): string | undefined {
  return /<([^>]+)>;\s*rel="next"/.exec(link ?? '')?.[1];
}

function filter(expr: string, json: string): string {
  const r = spawnSync('jq', ['-r', expr], { input: json, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`jq: ${r.stderr.trim()}`);
  return r.stdout;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const base = (process.env['GITHUB_API_URL'] ?? '').replace(/\/+$/, '');
  if (base === '') throw new Error('GITHUB_API_URL is not set');
  const token = process.env['GH_TOKEN'] ?? process.env['GITHUB_TOKEN'] ?? '';
  let url: string | undefined = /^https?:\/\//.test(args.path) ? args.path : `${base}/${args.path.replace(/^\//, '')}`;
  while (url) {
    const res: Response = await fetch(url, {
      headers: {
        accept: 'application/vnd.github+json',
        'x-github-api-version': '2022-11-28',
        'user-agent': 'GitHub CLI stand-in',
        ...(token ? { authorization: `token ${token}` } : {}),
      },
    });
    const text = await res.text();
    if (res.status >= 400) {
      process.stdout.write(text);
      let message = res.statusText;
      try {
        message = (JSON.parse(text) as { message?: string }).message ?? message;
      } catch {
        // not JSON: the status text stands
      }
      process.stderr.write(`gh: ${message} (HTTP ${res.status})\n`);
      return 1;
    }
    process.stdout.write(args.jq === undefined ? text : filter(args.jq, text));
    url = args.paginate ? nextLink(res.headers.get('link')) : undefined;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`gh: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
