import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, readSync, rmSync, statSync } from 'node:fs';
import { UserError } from './errors.js';

export interface ExecOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Written to the child's stdin, which is then closed. */
  input?: string | Buffer;
  /** Kill the child (SIGTERM, then SIGKILL after 2 s) after this many milliseconds. */
  timeoutMs?: number;
  /** Captured bytes per stream; the rest is dropped and flagged. */
  maxOutputBytes?: number;
  /**
   * Send stdout to this new file (created exclusively, mode 0600) instead of a pipe; it is
   * read back after exit and removed. The child then runs to its end while this process is
   * busy, where a pipe stalls it once 64 KiB are unread. maxOutputBytes still applies: the file
   * is measured every half second and at exit, and past the limit the child is killed and the
   * result flagged as truncated.
   */
  stdoutFile?: string;
  /**
   * Receives stdout as it comes, in order, instead of collecting it (the result's stdout is
   * then ''); a chunk is valid only during the call. With stdoutFile the file is read as it
   * grows, whenever this process is idle (every millisecond), and to its end after exit: the
   * child still never waits for this process, and the output is consumed while it runs.
   * maxOutputBytes counts what was passed on.
   */
  onStdout?: (chunk: Buffer) => void;
  signal?: AbortSignal;
}

/** Reads a growing file from where the last call stopped, passing on what is new. */
function fileFollower(file: string, deliver: (chunk: Buffer) => void): { poll(): void; close(): void } {
  const fd = openSync(file, 'r');
  const buffer = Buffer.allocUnsafe(1024 * 1024);
  let position = 0;
  let open = true;
  return {
    poll() {
      for (;;) {
        const n = readSync(fd, buffer, 0, buffer.length, position);
        if (n === 0) return;
        position += n;
        deliver(buffer.subarray(0, n));
      }
    },
    close() {
      if (open) closeSync(fd);
      open = false;
    },
  };
}

export interface ExecResult {
  command: string;
  args: readonly string[];
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  truncated: boolean;
  durationMs: number;
}

/**
 * Runs a program with an argument array; never through a shell, so no argument can be
 * re-interpreted. Built on child_process rather than @actions/exec because that one has no
 * timeout or kill, and echoes the full command line (secrets in arguments included) to the log.
 */
export function execCommand(command: string, args: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  const started = performance.now();
  const limit = options.maxOutputBytes ?? 64 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    const file = options.stdoutFile;
    const fd = file === undefined ? undefined : openSync(file, 'wx', 0o600);
    const removeFile = (): void => {
      if (file !== undefined) rmSync(file, { force: true });
    };
    let child: ChildProcess;
    try {
      child = spawn(command, [...args], {
        cwd: options.cwd,
        env: options.env ?? process.env,
        shell: false,
        stdio: ['pipe', fd ?? 'pipe', 'pipe'],
        windowsHide: true,
      });
    } catch (error) {
      removeFile();
      throw error;
    } finally {
      if (fd !== undefined) closeSync(fd); // the child holds its own copy
    }
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let errBytes = 0;
    let truncated = false;
    let timedOut = false;
    let killTimer: NodeJS.Timeout | undefined;
    const kill = (): void => {
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), 2000);
      killTimer.unref();
    };
    const timer = options.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          kill();
        }, options.timeoutMs)
      : undefined;
    const onAbort = (): void => kill();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const fileSize = (): number => (file === undefined ? 0 : (statSync(file, { throwIfNoEntry: false })?.size ?? 0));
    const onStdout = options.onStdout;
    // What onStdout throws ends the run: the child is stopped and the error is the result.
    let consumerError: { error: unknown } | undefined;
    const take = (chunk: Buffer): void => {
      // Past the limit a followed file's child is stopped, as without onStdout; a pipe is drained.
      if (outBytes >= limit) {
        truncated = true;
      } else if (onStdout) {
        if (consumerError) return;
        try {
          onStdout(chunk.subarray(0, limit - outBytes));
        } catch (error) {
          consumerError = { error };
          kill();
        }
      } else out.push(chunk.subarray(0, limit - outBytes));
      outBytes += chunk.length;
      if (outBytes > limit && !truncated) {
        truncated = true;
        if (follower) kill();
      }
    };
    const follower = file !== undefined && onStdout ? fileFollower(file, take) : undefined;
    const sizeCheck =
      file === undefined
        ? undefined
        : follower
          ? setInterval(() => {
              try {
                follower.poll();
              } catch (error) {
                consumerError ??= { error };
                kill();
              }
            }, 1)
          : setInterval(() => {
              if (!truncated && fileSize() > limit) {
                truncated = true;
                kill();
              }
            }, 500);
    child.stdout?.on('data', take);
    child.stderr?.on('data', (chunk: Buffer) => {
      if (errBytes < limit) err.push(chunk.subarray(0, limit - errBytes));
      else truncated = true;
      errBytes += chunk.length;
    });
    child.stdin?.on('error', () => undefined); // a child that exits without reading stdin
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (timer) clearTimeout(timer);
      if (sizeCheck) clearInterval(sizeCheck);
      follower?.close();
      options.signal?.removeEventListener('abort', onAbort);
      removeFile();
      if (error.code === 'ENOENT') reject(new UserError(`'${command}' was not found on PATH`));
      else if (error.code === 'EACCES') reject(new UserError(`'${command}' is not executable`));
      else reject(error);
    });
    child.on('close', (exitCode, signal) => {
      if (timer) clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      if (sizeCheck) clearInterval(sizeCheck);
      options.signal?.removeEventListener('abort', onAbort);
      let stdout = '';
      try {
        if (follower) follower.poll();
        else if (file !== undefined && fileSize() > limit) truncated = true;
        if (!onStdout)
          stdout =
            file === undefined ? Buffer.concat(out).toString('utf8') : truncated ? '' : readFileSync(file, 'utf8');
      } catch (error) {
        reject(error);
        return;
      } finally {
        follower?.close();
        removeFile();
      }
      if (consumerError) {
        reject(consumerError.error);
        return;
      }
      resolve({
        command,
        args,
        exitCode,
        signal,
        stdout,
        stderr: Buffer.concat(err).toString('utf8'),
        timedOut,
        truncated,
        durationMs: performance.now() - started,
      });
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
    else child.stdin?.end();
  });
}
