import { describe, expect, it } from 'vitest';
import { en } from '../i18n/en.ts';
import { ko } from '../i18n/ko.ts';
import { describeConnection } from './network.ts';

describe('connection check in words', () => {
  it('tells which ways work in plain words', () => {
    const servers = { hasStun: true, hasTurn: true };
    const lines = describeConnection(en, { found: new Set(['host', 'srflx']), ...servers });
    expect(lines[0]).toMatch(/Direct connection.*works/);
    expect(lines[1]).toMatch(/STUN\): works/);
    expect(lines[2]).toMatch(/TURN\): not reachable/);
    expect(describeConnection(en, { found: new Set(), hasStun: false, hasTurn: false })[2]).toMatch(
      /no relay server/,
    );
    expect(describeConnection(ko, { found: new Set(['relay']), ...servers })[2]).toMatch(
      /중계\(TURN\): 돼요/,
    );
  });
});
