import { rm } from 'node:fs/promises';
import path from 'node:path';
import { clip, getState, info, warning } from '@spikeformer-actions/core';
import { readIfPresent, releaseAllocation } from './hardware.js';

/**
 * Post step: releases a hardware allocation main left behind (cancelled or crashed while
 * queued or running). Main removes the allocation file after a clean release, so a file
 * that is still there names a job that must be given back.
 */
export async function runPost(): Promise<void> {
  const file = getState('allocation-file');
  if (file === '') return;
  const text = await readIfPresent(file);
  if (text === undefined) {
    info('hardware: nothing to release');
    return;
  }
  const allocation = text.trim();
  if (allocation === '') return;
  let command: unknown;
  try {
    command = JSON.parse(getState('hardware-command'));
  } catch {
    command = undefined;
  }
  if (!Array.isArray(command) || command.length === 0 || !command.every((c) => typeof c === 'string')) {
    warning(
      `hardware: allocation ${clip(allocation)} is still held but the adapter command was not saved; release it by hand`,
    );
    return;
  }
  info(`hardware: releasing allocation ${clip(allocation)} left by the main step`);
  const outcome = await releaseAllocation(command, allocation, path.dirname(file), 120_000);
  if (outcome.kind === 'ok') {
    await rm(file, { force: true });
    info(`hardware: allocation ${clip(allocation)} released`);
  } else warning(`hardware: releasing allocation ${clip(allocation)} failed: ${clip(outcome.reason)}`);
}
