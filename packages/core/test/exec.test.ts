import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
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

  it('sends stdout to a new file when asked, reads it back and removes it, within the same limit', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sf-exec-'));
    try {
      const file = path.join(dir, 'out');
      // More than a pipe holds (64 KiB), so the child only finishes because nothing waits for a reader.
      const r = await execCommand('sh', ['-c', 'head -c 200000 /dev/zero | tr "\\0" x; echo oops >&2'], {
        stdoutFile: file,
      });
      expect([r.exitCode, r.stdout.length, r.stdout.slice(0, 3), r.stderr, r.truncated, existsSync(file)]).toEqual([
        0,
        200000,
        'xxx',
        'oops\n',
        false,
        false,
      ]);
      const big = await execCommand('sh', ['-c', 'head -c 300000 /dev/zero'], {
        stdoutFile: file,
        maxOutputBytes: 1000,
      });
      expect([big.truncated, big.stdout, existsSync(file)]).toEqual([true, '', false]);
      writeFileSync(file, 'mine');
      await expect(execCommand('true', [], { stdoutFile: file })).rejects.toThrow(/EEXIST/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('passes stdout on as it comes, from a pipe or from a file while the child runs', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sf-exec-'));
    try {
      const piped: string[] = [];
      const p = await execCommand('sh', ['-c', 'printf one; sleep 0.3; printf two'], {
        onStdout: (c) => piped.push(c.toString()),
      });
      expect([p.exitCode, p.stdout, piped.join('')]).toEqual([0, '', 'onetwo']);
      const file = path.join(dir, 'out');
      const chunks: string[] = [];
      const f = await execCommand(
        'sh',
        ['-c', 'printf one; sleep 0.3; printf two; head -c 200000 /dev/zero | tr "\\0" x'],
        { stdoutFile: file, onStdout: (c) => chunks.push(c.toString()) },
      );
      const all = chunks.join('');
      expect([f.exitCode, f.stdout, all.slice(0, 6), all.length, existsSync(file)]).toEqual([
        0,
        '',
        'onetwo',
        200006,
        false,
      ]);
      expect(chunks[0]).toBe('one'); // read while the child slept, not after it ended
      let passed = 0;
      const big = await execCommand('sh', ['-c', 'head -c 300000 /dev/zero'], {
        stdoutFile: file,
        maxOutputBytes: 1000,
        onStdout: (c) => (passed += c.length),
      });
      expect([big.truncated, passed, existsSync(file)]).toEqual([true, 1000, false]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops the child and rejects with what onStdout throws', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sf-exec-'));
    try {
      const file = path.join(dir, 'out');
      // Without the kill this would wait out the sleep and the test its timeout.
      const bad = (): void => {
        throw new Error('unreadable output');
      };
      await expect(
        execCommand('sh', ['-c', 'echo x; exec sleep 30'], { stdoutFile: file, onStdout: bad }),
      ).rejects.toThrow('unreadable output');
      await expect(execCommand('sh', ['-c', 'echo x; exec sleep 30'], { onStdout: bad })).rejects.toThrow(
        'unreadable output',
      );
      expect(existsSync(file)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a missing program is a user error naming it', async () => {
    await expect(execCommand('no-such-tool-xyz', [])).rejects.toThrow(
      new UserError("'no-such-tool-xyz' was not found on PATH"),
    );
    // also when its output was to be followed in a file (which is then removed)
    const dir = mkdtempSync(path.join(tmpdir(), 'sf-exec-'));
    try {
      const file = path.join(dir, 'out');
      await expect(
        execCommand('no-such-tool-xyz', [], { stdoutFile: file, onStdout: () => undefined }),
      ).rejects.toThrow("'no-such-tool-xyz' was not found on PATH");
      await new Promise((resolve) => setTimeout(resolve, 50)); // a late 'close' must not fail on the closed file
      expect(existsSync(file)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
