import { describe, expect, it } from 'vitest';
import { matchRoute, roomFromInput, roomPath } from './router.ts';

describe('matchRoute', () => {
  it('maps / to the landing page and /r/<room> to a room', () => {
    expect(matchRoute('/')).toEqual({ page: 'landing' });
    expect(matchRoute('/r/team-standup')).toEqual({ page: 'room', room: 'team-standup' });
    expect(matchRoute('/r/team_1/')).toEqual({ page: 'room', room: 'team_1' });
  });

  it('flags room names that break the RoomId rule', () => {
    expect(matchRoute('/r/has%20space')).toEqual({ page: 'invalid-room', room: 'has space' });
    expect(matchRoute(`/r/${'a'.repeat(65)}`).page).toBe('invalid-room');
    expect(matchRoute('/r/')).toEqual({ page: 'invalid-room', room: '' });
    expect(matchRoute('/r/%E0%A4%A')).toEqual({ page: 'invalid-room', room: '%E0%A4%A' });
  });

  it('answers anything else with not-found', () => {
    expect(matchRoute('/about')).toEqual({ page: 'not-found' });
    expect(matchRoute('/r/a/b')).toEqual({ page: 'not-found' });
  });
});

describe('roomFromInput', () => {
  it('accepts a name or a pasted room link', () => {
    expect(roomFromInput('  standup ')).toBe('standup');
    expect(roomFromInput('http://127.0.0.1:3000/r/standup?relay=1')).toBe('standup');
    expect(roomPath('a-b_c')).toBe('/r/a-b_c');
  });
});
