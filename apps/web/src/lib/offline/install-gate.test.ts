import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
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

describe('InstallGate.runAfter', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('away from any room, installs after the delay', () => {
    const gate = new InstallGate(false);
    const install = vi.fn();
    gate.runAfter(3000, install);
    vi.advanceTimersByTime(2999);
    expect(install).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(install).toHaveBeenCalledOnce();
  });

  it('once a room page sets up a call during the delay, installs when that call is up, not before', () => {
    const gate = new InstallGate(false);
    const install = vi.fn();
    gate.runAfter(3000, install);
    gate.isCallSettingUp = true; // Create room pressed at once
    vi.advanceTimersByTime(10_000);
    expect(install).not.toHaveBeenCalled();
    gate.isCallSettingUp = false;
    expect(install).toHaveBeenCalledOnce();
  });

  it('after a call that came up during the delay, installs then, and only once', () => {
    const gate = new InstallGate(false);
    const install = vi.fn();
    gate.runAfter(3000, install);
    gate.isCallSettingUp = true;
    gate.isCallSettingUp = false; // the call is up within a second
    expect(install).toHaveBeenCalledOnce();
    vi.advanceTimersByTime(3000);
    gate.isCallSettingUp = false; // the page is left
    expect(install).toHaveBeenCalledOnce();
  });

  it('on a room link, the delay does not count: installs once the call is up', () => {
    const gate = new InstallGate(true);
    const install = vi.fn();
    gate.runAfter(3000, install);
    gate.isCallSettingUp = true;
    vi.advanceTimersByTime(3000);
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
