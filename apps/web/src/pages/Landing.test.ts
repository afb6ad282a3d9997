import { fireEvent, render, screen } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { rememberRoom } from '../lib/storage.ts';
import Landing from './Landing.svelte';

beforeEach(() => localStorage.clear());

describe('Landing', () => {
  it('explains an invalid room name and stays on the page', async () => {
    const navigate = vi.fn();
    render(Landing, { navigate });
    await fireEvent.input(screen.getByLabelText('Room'), { target: { value: 'bad room!' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Join' }));
    expect(screen.getByRole('alert').textContent).toMatch(/room name/);
    expect(navigate).not.toHaveBeenCalled();
  });

  it('joins a valid room and creates random rooms', async () => {
    const navigate = vi.fn();
    render(Landing, { navigate });
    await fireEvent.input(screen.getByLabelText('Room'), { target: { value: 'team-standup' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Join' }));
    expect(navigate).toHaveBeenLastCalledWith('/r/team-standup');
    await fireEvent.click(screen.getByRole('button', { name: 'Create room' }));
    expect(navigate.mock.calls.at(-1)?.[0]).toMatch(/^\/r\/[A-Za-z0-9_-]{10}$/);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('lists recent rooms as links', () => {
    rememberRoom('yesterday');
    render(Landing, { navigate: vi.fn() });
    expect(screen.getByRole('link', { name: 'yesterday' }).getAttribute('href')).toBe('/r/yesterday');
  });
});
