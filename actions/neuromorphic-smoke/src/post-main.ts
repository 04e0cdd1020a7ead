import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { getState, info, warning } from '@spikeformer-actions/core';
import { releaseAllocation } from './hardware.js';

/**
 * Post step: releases a hardware allocation main left behind (cancelled or crashed while
 * queued or running). Main removes the allocation file after a clean release, so a file
 * that is still there names a job that must be given back.
 */
export async function runPost(): Promise<void> {
  const file = getState('allocation-file');
  if (file === '') return;
  let allocation: string;
  try {
    allocation = (await readFile(file, 'utf8')).trim();
  } catch {
    info('hardware: nothing to release');
    return;
  }
  if (allocation === '') return;
  let command: unknown;
  try {
    command = JSON.parse(getState('hardware-command'));
  } catch {
    command = undefined;
  }
  if (!Array.isArray(command) || command.length === 0 || !command.every((c) => typeof c === 'string')) {
    warning(`hardware: allocation ${allocation} is still held but the adapter command was not saved; release it by hand`);
    return;
  }
  info(`hardware: releasing allocation ${allocation} left by the main step`);
  const outcome = await releaseAllocation(command as string[], allocation, path.dirname(file), 120_000);
  if (outcome.kind === 'ok') {
    await rm(file, { force: true });
    info(`hardware: allocation ${allocation} released`);
  } else warning(`hardware: releasing allocation ${allocation} failed: ${outcome.reason}`);
}
