import { describe, expect, it, vi } from 'vitest';
import { InstallGate, isCallUp } from './install-gate.ts';

describe('InstallGate', () => {
  it('installs at once when no call is being set up', () => {
    const gate = new InstallGate(false);
    const install = vi.fn();
    gate.run(install);
    expect(install).toHaveBeenCalledOnce();
  });

  it('on a room link, installs only once the call is up, and only once', () => {
    const gate = new InstallGate(true);
    const install = vi.fn();
    gate.run(install);
    gate.isCallSettingUp = true; // the room page mounts
    expect(install).not.toHaveBeenCalled();
    gate.isCallSettingUp = false;
    expect(install).toHaveBeenCalledOnce();
    gate.isCallSettingUp = false; // the page is left afterwards
    expect(install).toHaveBeenCalledOnce();
  });

  it('holds what is asked while a later room page sets up its call', () => {
    const gate = new InstallGate(false);
    gate.isCallSettingUp = true;
    const install = vi.fn();
    gate.run(install);
    expect(install).not.toHaveBeenCalled();
    gate.isCallSettingUp = false;
    expect(install).toHaveBeenCalledOnce();
  });
});

describe('isCallUp', () => {
  const person = (setupTimeMs: number | null) => ({ setupTimeMs });

  it('is up once someone’s video showed, or the call ended', () => {
    expect(isCallUp({ phase: 'joining', participants: [] })).toBe(false);
    expect(isCallUp({ phase: 'in-call', participants: [] })).toBe(false);
    expect(isCallUp({ phase: 'in-call', participants: [person(null)] })).toBe(false);
    expect(isCallUp({ phase: 'in-call', participants: [person(null), person(640)] })).toBe(true);
    expect(isCallUp({ phase: 'ended', participants: [] })).toBe(true);
  });
});
