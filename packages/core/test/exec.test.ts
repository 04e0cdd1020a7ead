import { describe, expect, it } from 'vitest';
import { execCommand, UserError } from '../src/index.js';

describe('execCommand', () => {
  it('passes arguments without a shell', async () => {
    const r = await execCommand('printf', ['%s|', '$(whoami)', 'a b', ';rm -rf /']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('$(whoami)|a b|;rm -rf /|');
  });

  it('captures exit code, stderr and stdin', async () => {
    const r = await execCommand('sh', ['-c', 'cat; echo oops >&2; exit 3'], { input: 'fed' });
    expect(r).toMatchObject({ exitCode: 3, stdout: 'fed', stderr: 'oops\n', timedOut: false });
  });

  it('kills a command that outlives its timeout', async () => {
    const r = await execCommand('sleep', ['30'], { timeoutMs: 200 });
    expect(r.timedOut).toBe(true);
    expect(r.signal).toBe('SIGTERM');
  });

  it('bounds captured output', async () => {
    const r = await execCommand('head', ['-c', '100000', '/dev/zero'], { maxOutputBytes: 1000 });
    expect(r.stdout.length).toBe(1000);
    expect(r.truncated).toBe(true);
  });

  it('a missing program is a user error naming it', async () => {
    await expect(execCommand('no-such-tool-xyz', [])).rejects.toThrow(new UserError("'no-such-tool-xyz' was not found on PATH"));
  });
});
