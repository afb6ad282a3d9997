// @vitest-environment jsdom
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { qrCodeDataUrl } from './qr-code.ts';
import ShareRoom, { isLoopbackUrl } from './ShareRoom.svelte';

const url = 'https://192.168.1.20:5173/r/standup';

afterEach(() => {
  vi.unstubAllGlobals();
  Reflect.deleteProperty(navigator, 'share');
  Reflect.deleteProperty(navigator, 'canShare');
});

describe('ShareRoom', () => {
  it('draws a QR code of the room link in the page, without any outside service', async () => {
    const fetchSpy = vi.fn();
    vi.stubGlobal('fetch', fetchSpy);
    render(ShareRoom, { url, room: 'standup' });
    const toggle = screen.getByRole('button', { name: 'QR code' });
    expect(toggle.getAttribute('aria-expanded')).toBe('false');

    await fireEvent.click(toggle);
    const image = await screen.findByRole('img', { name: /QR code of the room link/ });
    const src = image.getAttribute('src') ?? '';
    expect(src.startsWith('data:image/svg+xml')).toBe(true);
    // That it reads back as the link, a browser's rendering shows (e2e: keyboard.spec.ts).
    expect(src).toBe(qrCodeDataUrl(url));
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    expect(screen.getByText(url)).toBeTruthy();
    expect(fetchSpy).not.toHaveBeenCalled();

    await fireEvent.keyDown(window, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByRole('img')).toBeNull());
  });

  it('warns that a localhost link does not open on another device', async () => {
    render(ShareRoom, { url: 'https://localhost:5173/r/standup', room: 'standup' });
    await fireEvent.click(screen.getByRole('button', { name: 'QR code' }));
    expect(await screen.findByText(/works on this computer only/)).toBeTruthy();
  });

  it('offers Share only where the browser has the Web Share API', async () => {
    render(ShareRoom, { url, room: 'standup' });
    expect(screen.queryByRole('button', { name: 'Share' })).toBeNull();
  });

  it('hands the room link to the Web Share API', async () => {
    const share = vi.fn(() => Promise.reject(new DOMException('dismissed', 'AbortError')));
    Object.defineProperty(navigator, 'share', { value: share, configurable: true });
    render(ShareRoom, { url, room: 'standup' });
    await fireEvent.click(screen.getByRole('button', { name: 'Share' }));
    expect(share).toHaveBeenCalledWith(expect.objectContaining({ url }));
  });

  it('tells loopback links apart from LAN links', () => {
    expect(isLoopbackUrl('http://127.0.0.1:3000/r/a')).toBe(true);
    expect(isLoopbackUrl('https://localhost/r/a')).toBe(true);
    expect(isLoopbackUrl('https://[::1]:3000/r/a')).toBe(true);
    expect(isLoopbackUrl('https://192.168.1.20:5173/r/a')).toBe(false);
    expect(isLoopbackUrl('https://call.example.org/r/a')).toBe(false);
  });
});
