// @vitest-environment jsdom
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Landing from '../../pages/Landing.svelte';
import { i18n } from '../i18n/locale.svelte.ts';
import { fakeNetworkWindow } from '../state/fake-network.ts';
import { NetworkStatus } from '../state/network.svelte.ts';

function renderLanding() {
  const network = new NetworkStatus({
    window: fakeNetworkWindow().window,
    probeServer: () => Promise.resolve(true),
  });
  render(Landing, { navigate: () => undefined, network });
}

beforeEach(() => localStorage.clear());
afterEach(() => i18n.use('en'));

describe('Language', () => {
  it('shows the landing page in Korean, and switches back to English, remembered', async () => {
    await i18n.use('ko');
    renderLanding();
    expect(document.documentElement.lang).toBe('ko');
    expect(screen.getByRole('button', { name: '방 만들기' })).toBeTruthy();
    expect(screen.getByRole('textbox', { name: '방 이름' })).toBeTruthy();
    const select = screen.getByRole<HTMLSelectElement>('combobox', { name: '언어' });
    expect(select.value).toBe('ko');
    expect([...select.options].map((option) => option.text)).toEqual(['English', '한국어']);

    await fireEvent.change(select, { target: { value: 'en' } });
    await waitFor(() => expect(screen.getByRole('button', { name: 'Create room' })).toBeTruthy());
    expect(screen.getByRole('combobox', { name: 'Language' })).toBeTruthy();
    expect(document.documentElement.lang).toBe('en');
    expect(localStorage.getItem('facetime:language')).toBe('en');
    expect(i18n.preferred()).toBe('en');
  });

  it('says what is wrong in the chosen language', async () => {
    await i18n.use('ko');
    renderLanding();
    await fireEvent.click(screen.getByRole('button', { name: '참여하기' }));
    expect(screen.getByRole('alert').textContent).toMatch(/방 이름을 입력하세요/);
    await i18n.choose('en');
    await waitFor(() => expect(screen.getByRole('alert').textContent).toMatch(/Enter a room name/));
  });
});
