// @vitest-environment jsdom
import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import type { ChatEntry } from '../state/chat.svelte.ts';
import ChatPanel from './ChatPanel.svelte';

const entries: ChatEntry[] = [
  {
    kind: 'text',
    id: 'abcdefgh',
    senderName: 'Mallory',
    isOwn: false,
    text: '<img src=x onerror=alert(1)><b>bold</b>',
    sentAt: 0,
  },
  { kind: 'text', id: 'abcdefgi', senderName: 'Alice', isOwn: true, text: 'hello', sentAt: 0 },
];

describe('ChatPanel', () => {
  it('shows sender names and renders an HTML payload as text', () => {
    render(ChatPanel, { entries, onsend: () => true });
    const log = screen.getByRole('log');
    expect(log.textContent).toContain('Mallory');
    expect(log.textContent).toContain('<img src=x onerror=alert(1)><b>bold</b>');
    expect(log.textContent).toContain('Alice');
    expect(log.querySelector('img')).toBeNull();
    expect(log.querySelector('b')).toBeNull();
  });

  it('sends on Enter and clears the field', async () => {
    const onsend = vi.fn(() => true);
    render(ChatPanel, { entries: [], onsend });
    const field = screen.getByRole('textbox', { name: 'Message' }) as HTMLInputElement;
    await fireEvent.input(field, { target: { value: 'hi there' } });
    await fireEvent.submit(field.form!);
    expect(onsend).toHaveBeenCalledWith('hi there');
    expect(field.value).toBe('');
  });

  it('follows new messages at the bottom, and leaves the log where it is once scrolled up', async () => {
    const { rerender } = render(ChatPanel, { entries, onsend: () => true });
    const log = screen.getByRole('log');
    // The test DOM has no layout: the log is given a height, a content height and a position.
    let scrollHeight = 1000;
    Object.defineProperty(log, 'clientHeight', { get: () => 200 });
    Object.defineProperty(log, 'scrollHeight', { get: () => scrollHeight });
    const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
    const more = (id: string): ChatEntry => ({
      kind: 'text',
      id,
      senderName: 'Bob',
      isOwn: false,
      text: id,
      sentAt: 0,
    });

    await frame();
    expect(log.scrollTop).toBe(1000);
    scrollHeight = 1100;
    await rerender({ entries: [...entries, more('abcdefgj')] });
    await frame();
    expect(log.scrollTop).toBe(1100);

    log.scrollTop = 300;
    await fireEvent.scroll(log);
    scrollHeight = 1200;
    await rerender({ entries: [...entries, more('abcdefgj'), more('abcdefgk')] });
    await frame();
    expect(log.scrollTop).toBe(300);
  });
});
