import { describe, expect, it } from 'vitest';
import { pagePolicy, serializePolicy, webSocketSources } from './index.ts';

describe('webSocketSources', () => {
  it('names both WebSocket schemes of the page host, with its port', () => {
    expect(webSocketSources('call.example.org')).toEqual(['ws://call.example.org', 'wss://call.example.org']);
    expect(webSocketSources('127.0.0.1:3000')).toEqual(['ws://127.0.0.1:3000', 'wss://127.0.0.1:3000']);
    expect(webSocketSources('[::1]:5173')).toEqual(['ws://[::1]:5173', 'wss://[::1]:5173']);
    expect(webSocketSources('Call.Example.ORG')).toEqual(['ws://call.example.org', 'wss://call.example.org']);
  });

  it('adds nothing for a missing or forged host', () => {
    expect(webSocketSources(undefined)).toEqual([]);
    expect(webSocketSources('')).toEqual([]);
    expect(webSocketSources("a; script-src 'unsafe-inline'")).toEqual([]);
    expect(webSocketSources('evil.example, *')).toEqual([]);
    expect(webSocketSources('host:port')).toEqual([]);
  });
});

describe('pagePolicy', () => {
  it('allows only this origin for scripts and styles, with no inline code', () => {
    const header = serializePolicy(pagePolicy({ host: 'localhost:3000' }));
    expect(header).toContain("script-src 'self';");
    expect(header).toContain("style-src 'self';");
    expect(header).not.toContain('unsafe-inline');
    expect(header).not.toContain('unsafe-eval');
    expect(header).toContain("connect-src 'self' blob: ws://localhost:3000 wss://localhost:3000;");
    expect(header).toContain("frame-ancestors 'none'");
    expect(header).not.toContain('upgrade-insecure-requests');
  });

  it('upgrades insecure requests only over TLS', () => {
    expect(serializePolicy(pagePolicy({ isTls: true }))).toMatch(/; upgrade-insecure-requests$/);
  });

  it('adds the dev server nonce to style-src only', () => {
    const policy = pagePolicy({ styleNonce: 'abc123' });
    expect(policy['style-src']).toEqual(["'self'", "'nonce-abc123'"]);
    expect(policy['script-src']).toEqual(["'self'"]);
  });
});
