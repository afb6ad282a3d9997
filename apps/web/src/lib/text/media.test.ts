import { describe, expect, it } from 'vitest';
import { en } from '../i18n/en.ts';
import { ko } from '../i18n/ko.ts';
import { mediaProblemMessage } from './media.ts';

describe('media problems', () => {
  it('says in plain words what is missing and what to do', () => {
    expect(mediaProblemMessage(en, null, null)).toBeNull();
    const camera = mediaProblemMessage(en, 'denied', null)!;
    expect(camera).toMatch(/camera/);
    expect(camera).toMatch(/audio only/);
    expect(camera).toMatch(/allow/);
    const both = mediaProblemMessage(en, 'missing', 'missing')!;
    expect(both).toMatch(/camera and microphone/);
    expect(both).toMatch(/watch and listen/);
    expect(mediaProblemMessage(en, null, 'busy')).toMatch(/microphone.*in use/);
    expect(mediaProblemMessage(en, 'denied', null, true)).toMatch(/cannot see you/);
  });

  it('says the same in Korean', () => {
    expect(mediaProblemMessage(ko, 'denied', null)).toMatch(/카메라 사용이 차단/);
    expect(mediaProblemMessage(ko, 'missing', 'missing')).toMatch(/^카메라와 마이크를 찾을 수 없어요/);
    expect(mediaProblemMessage(ko, null, 'busy', true)).toMatch(/마이크를 사용하고 있어요.*들리지 않아요/);
  });
});
