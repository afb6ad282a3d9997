import { describe, expect, it } from 'vitest';
import { DEV_ORIGINS, isOriginAllowed } from './origin.ts';

describe('isOriginAllowed', () => {
  it('allows requests without an Origin header', () => {
    expect(isOriginAllowed(undefined, 'example.test', [])).toBe(true);
  });
  it('allows the same origin as the Host header', () => {
    expect(isOriginAllowed('https://call.example.test', 'call.example.test', [])).toBe(true);
    expect(isOriginAllowed('http://127.0.0.1:3000', '127.0.0.1:3000', [])).toBe(true);
  });
  it('allows listed origins and refuses others', () => {
    expect(isOriginAllowed('http://localhost:5173', '127.0.0.1:3000', DEV_ORIGINS)).toBe(true);
    expect(isOriginAllowed('http://localhost:5173/', '127.0.0.1:3000', DEV_ORIGINS)).toBe(true);
    expect(isOriginAllowed('https://evil.example', '127.0.0.1:3000', DEV_ORIGINS)).toBe(false);
    expect(isOriginAllowed('http://127.0.0.1:3001', '127.0.0.1:3000', DEV_ORIGINS)).toBe(false);
    expect(isOriginAllowed('null', '127.0.0.1:3000', DEV_ORIGINS)).toBe(false);
  });
  it('allows anything with *', () => {
    expect(isOriginAllowed('https://anywhere.example', 'x', ['*'])).toBe(true);
  });
});
