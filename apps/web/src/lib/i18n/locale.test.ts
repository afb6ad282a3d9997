// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { en } from './en.ts';
import { shell } from './en-shell.ts';
import { ko } from './ko.ts';
import { Locale } from './locale.svelte.ts';

afterEach(() => localStorage.clear());

describe('Locale', () => {
  it('has the start page’s English words from the start, and the rest only once a room page asks', async () => {
    const locale = new Locale();
    expect(locale.shell).toBe(shell);
    expect(() => locale.t).toThrow(/loadAll/);

    await locale.use('en');
    expect(() => locale.t).toThrow(/loadAll/);

    await locale.loadAll();
    expect(locale.t).toBe(en);
    expect(locale.t.app).toBe(shell.app);
  });

  it('loads Korean whole, and keeps every word of a language picked after a room page asked', async () => {
    const locale = new Locale();
    await locale.use('ko');
    expect(locale.shell.landing.createRoom).toBe(ko.landing.createRoom);
    expect(locale.t).toBe(ko);

    await locale.use('en');
    expect(() => locale.t).toThrow(/loadAll/);
    await locale.loadAll();
    await locale.choose('ko');
    expect(locale.t).toBe(ko);
    await locale.choose('en');
    expect(locale.t).toBe(en);
    expect(document.documentElement.lang).toBe('en');
  });

  it('a language picked while a room page waits for its words wins', async () => {
    const locale = new Locale();
    const loading = locale.loadAll();
    const picked = locale.choose('ko');
    await Promise.all([loading, picked]);
    expect(locale.language).toBe('ko');
    expect(locale.t).toBe(ko);
  });
});
