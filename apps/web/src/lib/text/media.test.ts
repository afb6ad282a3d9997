import { describe, expect, it } from 'vitest';
import { mediaProblemMessage } from './media.ts';

describe('media problems', () => {
  it('says in plain words what is missing and what to do', () => {
    expect(mediaProblemMessage(null, null)).toBeNull();
    const camera = mediaProblemMessage('denied', null)!;
    expect(camera).toMatch(/camera/);
    expect(camera).toMatch(/audio only/);
    expect(camera).toMatch(/allow/);
    const both = mediaProblemMessage('missing', 'missing')!;
    expect(both).toMatch(/camera and microphone/);
    expect(both).toMatch(/watch and listen/);
    expect(mediaProblemMessage(null, 'busy')).toMatch(/microphone.*in use/);
    expect(mediaProblemMessage('denied', null, true)).toMatch(/cannot see you/);
  });
});
