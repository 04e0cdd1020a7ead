import { FileError, GateFailure, UserError } from '@spikeformer-actions/core';
import { describe, expect, it } from 'vitest';
import { clip, MESSAGE_MAX, quote, quoteList, withBoundedErrors } from '../src/quote.js';

describe('quoting untrusted text in messages', () => {
  it('quotes short text whole, on one line, without control characters', () => {
    expect(quote('abc')).toBe("'abc'");
    expect(quote('a\nb\r\nc\u001b[31md')).toBe("'a ⏎ b ⏎ cd'");
    expect(clip('abc')).toBe('abc');
  });
  it('cuts long text at 200 characters and says so', () => {
    expect(quote('x'.repeat(1000))).toBe(`'${'x'.repeat(200)}…' (cut at 200 of 1000 characters)`);
    expect(clip('y'.repeat(201))).toBe(`${'y'.repeat(200)}… (cut at 200 of 201 characters)`);
    expect(quote('x'.repeat(200))).toBe(`'${'x'.repeat(200)}'`);
  });
  it('lists at most 10 items', () => {
    expect(quoteList(['a', 'b'])).toBe("'a', 'b'");
    expect(quoteList(Array.from({ length: 12 }, (_, i) => `n${i}`))).toBe("'n0', 'n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'n7', 'n8', 'n9' and 2 more");
  });
});

describe('withBoundedErrors', () => {
  it('cuts a user error longer than MESSAGE_MAX and keeps its location', async () => {
    const error = await withBoundedErrors(() => Promise.reject(new FileError('f.csv', 'z'.repeat(5000), { line: 3 }))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe(`f.csv:3: ${'z'.repeat(MESSAGE_MAX - 'f.csv:3: '.length)}… (cut at ${MESSAGE_MAX} of 5009 characters)`);
    expect((error as UserError).location).toEqual({ file: 'f.csv', line: 3 });
  });
  it('passes shorter user errors and other errors through unchanged', async () => {
    const gate = new GateFailure('failed');
    await expect(withBoundedErrors(() => Promise.reject(gate))).rejects.toBe(gate);
    const internal = new TypeError('x'.repeat(5000));
    await expect(withBoundedErrors(() => Promise.reject(internal))).rejects.toBe(internal);
    await expect(withBoundedErrors(() => Promise.resolve())).resolves.toBeUndefined();
  });
});
