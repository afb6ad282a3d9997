/**
 * The person's own camera and microphone: the devices picked, the tracks captured, the video
 * effect, and what is actually sent (nothing while muted or camera-off). Every change is
 * reported as `change`; the call listens to `onSentTracksChange` and swaps tracks on every
 * connection with replaceTrack, so switching anything never renegotiates.
 */
import type { LocalMediaSource } from '../call/CallTypes.ts';
import { Emitter } from '../events.ts';
import type { LocalTracks } from '../rtc/MediaSlots.ts';
import {
  AUDIO_PROCESSING_KEYS,
  DEFAULT_AUDIO_PROCESSING,
  audioConstraints,
  classifyMediaError,
  type AudioProcessing,
  videoConstraints,
  type MediaProblemKind,
  type Resolution,
} from './constraints.ts';
import { toDeviceOptions, type DeviceOption } from './devices.ts';
import { EffectPipeline, effectDrawing, type Effect } from './effects.ts';
import { MicLevel } from './MicLevel.ts';

export interface LocalMediaOptions {
  mediaDevices?: MediaDevices | undefined;
  createPipeline?: (source: MediaStreamTrack, effect: Effect) => EffectPipeline | null;
  createMicLevel?: (track: MediaStreamTrack, isActive: boolean) => MicLevel | null;
  /** The sound processing a person chose earlier (remembered by the page). */
  audioProcessing?: AudioProcessing;
}

/** Everything a UI shows of the local media, as one plain object. */
export interface LocalMediaState {
  cameras: DeviceOption[];
  microphones: DeviceOption[];
  cameraId: string;
  microphoneId: string;
  resolution: Resolution;
  effect: Effect;
  audioProcessing: AudioProcessing;
  /** The browser did not apply the last sound processing change to the live microphone. */
  isAudioProcessingRefused: boolean;
  isMicOn: boolean;
  isCameraOn: boolean;
  cameraProblem: MediaProblemKind | null;
  microphoneProblem: MediaProblemKind | null;
  isStarting: boolean;
  cameraTrack: MediaStreamTrack | null;
  microphoneTrack: MediaStreamTrack | null;
  /** What the self view shows: the video that is sent, effect included. */
  previewStream: MediaStream | null;
}

function tryCreate<T>(create: () => T): T | null {
  try {
    return create();
  } catch {
    return null;
  }
}

export class LocalMedia implements LocalMediaSource {
  readonly events = new Emitter<{ change: LocalMediaState; 'sent-tracks': LocalTracks }>();
  /** Stable stream id for the tracks we send, so peers receive them grouped. */
  readonly outboundStream: MediaStream | undefined =
    typeof MediaStream === 'function' ? new MediaStream() : undefined;
  readonly #state: LocalMediaState = {
    cameras: [],
    microphones: [],
    cameraId: '',
    microphoneId: '',
    resolution: '720p',
    effect: 'None',
    audioProcessing: { ...DEFAULT_AUDIO_PROCESSING },
    isAudioProcessingRefused: false,
    isMicOn: true,
    isCameraOn: true,
    cameraProblem: null,
    microphoneProblem: null,
    isStarting: false,
    cameraTrack: null,
    microphoneTrack: null,
    previewStream: null,
  };
  readonly #mediaDevices: MediaDevices | undefined;
  readonly #createPipeline: (source: MediaStreamTrack, effect: Effect) => EffectPipeline | null;
  readonly #createMicLevel: (track: MediaStreamTrack, isActive: boolean) => MicLevel | null;
  #pipeline: EffectPipeline | null = null;
  #micLevel: MicLevel | null = null;
  #isClosed = false;
  readonly #onDeviceChange = () => void this.refreshDevices();

  constructor(options: LocalMediaOptions = {}) {
    this.#mediaDevices = options.mediaDevices ?? globalThis.navigator?.mediaDevices;
    this.#createPipeline =
      options.createPipeline ??
      ((source, effect) => {
        const drawing = effectDrawing(effect);
        return drawing ? tryCreate(() => new EffectPipeline(source, drawing)) : null;
      });
    this.#createMicLevel =
      options.createMicLevel ?? ((track, isActive) => tryCreate(() => new MicLevel(track, isActive)));
    this.#mediaDevices?.addEventListener?.('devicechange', this.#onDeviceChange);
    if (options.audioProcessing) this.#state.audioProcessing = { ...options.audioProcessing };
  }

  get state(): Readonly<LocalMediaState> {
    return this.#state;
  }

  /** What goes to peers right now: nothing for a muted mic or a camera that is off. */
  get sentTracks(): LocalTracks {
    const { isMicOn, isCameraOn, microphoneTrack, cameraTrack } = this.#state;
    return {
      audio: isMicOn ? microphoneTrack : null,
      video: isCameraOn ? (this.#pipeline?.track ?? cameraTrack) : null,
    };
  }

  /** Asks for camera and microphone; whatever fails is reported, the rest still works. */
  async start(): Promise<void> {
    const devices = this.#mediaDevices;
    if (!devices?.getUserMedia) {
      this.#set({ cameraProblem: 'other', microphoneProblem: 'other' });
      return;
    }
    this.#set({ isStarting: true });
    try {
      const { resolution, cameraId, microphoneId } = this.#state;
      const stream = await devices.getUserMedia({
        audio: audioConstraints(microphoneId, this.#state.audioProcessing),
        video: videoConstraints(resolution, cameraId),
      });
      if (this.#isClosed) return stopAll(stream);
      this.#setCameraTrack(stream.getVideoTracks()[0] ?? null);
      this.#setMicrophoneTrack(stream.getAudioTracks()[0] ?? null);
      this.#set({
        cameraProblem: this.#state.cameraTrack ? null : 'missing',
        microphoneProblem: this.#state.microphoneTrack ? null : 'missing',
      });
    } catch {
      // One of the two is blocked or missing: ask for each alone to learn which.
      await Promise.all([this.#startCamera(), this.#startMicrophone()]);
    } finally {
      this.#set({ isStarting: false });
    }
    await this.refreshDevices();
    this.#sentTracksChanged();
  }

  async refreshDevices(): Promise<void> {
    const devices = this.#mediaDevices;
    if (!devices?.enumerateDevices) return;
    try {
      const list = await devices.enumerateDevices();
      this.#set({
        cameras: toDeviceOptions(list, 'videoinput'),
        microphones: toDeviceOptions(list, 'audioinput'),
      });
    } catch {
      // Keep the previous lists.
    }
    const cameraId = this.#state.cameraTrack?.getSettings().deviceId;
    const microphoneId = this.#state.microphoneTrack?.getSettings().deviceId;
    this.#set({ ...(cameraId ? { cameraId } : {}), ...(microphoneId ? { microphoneId } : {}) });
  }

  async setCamera(deviceId: string): Promise<void> {
    this.#set({ cameraId: deviceId });
    this.#state.cameraTrack?.stop();
    this.#setCameraTrack(null);
    await this.#startCamera();
    this.#sentTracksChanged();
  }

  async setMicrophone(deviceId: string): Promise<void> {
    this.#set({ microphoneId: deviceId });
    this.#state.microphoneTrack?.stop();
    this.#setMicrophoneTrack(null);
    await this.#startMicrophone();
    this.#sentTracksChanged();
  }

  async setResolution(resolution: Resolution): Promise<void> {
    this.#set({ resolution });
    try {
      await this.#state.cameraTrack?.applyConstraints(videoConstraints(resolution, this.#state.cameraId));
    } catch {
      // The camera keeps its current size; nothing else to do.
    }
  }

  /**
   * Echo cancellation, noise suppression, gain control, on the live microphone without
   * renegotiation. Chromium resolves applyConstraints on a live microphone without changing
   * its processing (getSettings still reports the old values), so when the settings did not
   * take, a new microphone track opened with them replaces the old one on every connection
   * (replaceTrack). Only if that fails too is the choice kept for the next microphone, with
   * `isAudioProcessingRefused` saying it is not in effect now.
   */
  async setAudioProcessing(patch: Partial<AudioProcessing>): Promise<void> {
    const audioProcessing = { ...this.#state.audioProcessing, ...patch };
    this.#set({ audioProcessing, isAudioProcessingRefused: false });
    const track = this.#state.microphoneTrack;
    if (!track) return;
    const constraints = audioConstraints(this.#state.microphoneId, audioProcessing);
    const isApplied = (candidate: MediaStreamTrack): boolean => {
      const settings: MediaTrackSettings = candidate.getSettings?.() ?? {};
      return AUDIO_PROCESSING_KEYS.every(
        (key) => settings[key] === undefined || settings[key] === audioProcessing[key],
      );
    };
    let live = track;
    try {
      await track.applyConstraints(constraints);
      if (isApplied(track)) return;
      const stream = await this.#mediaDevices!.getUserMedia({ audio: constraints });
      const fresh = stream.getAudioTracks()[0];
      if (this.#isClosed || this.#state.microphoneTrack !== track || !fresh) return stopAll(stream);
      track.stop();
      this.#setMicrophoneTrack((live = fresh));
      this.#sentTracksChanged();
      if (isApplied(fresh)) return;
    } catch {
      // OverconstrainedError, no second microphone track: the old one keeps going.
    }
    // Only about the microphone this call worked on: another may have replaced it meanwhile.
    if (this.#state.microphoneTrack === live) this.#set({ isAudioProcessingRefused: true });
  }

  setEffect(effect: Effect): void {
    this.#set({ effect });
    this.#rebuildPipeline();
    this.#sentTracksChanged();
  }

  setMicOn(isOn: boolean): void {
    this.#set({ isMicOn: isOn });
    if (this.#state.microphoneTrack) this.#state.microphoneTrack.enabled = isOn;
    this.#micLevel?.setActive(isOn);
    this.#sentTracksChanged();
  }

  setCameraOn(isOn: boolean): void {
    this.#set({ isCameraOn: isOn });
    if (this.#state.cameraTrack) this.#state.cameraTrack.enabled = isOn;
    this.#sentTracksChanged();
  }

  micLevel(): number {
    return this.#state.isMicOn ? (this.#micLevel?.level() ?? 0) : 0;
  }

  /** Called on a click: browsers start audio only after a user gesture. */
  resumeAudio(): void {
    this.#micLevel?.resume();
  }

  onSentTracksChange(listener: () => void): () => void {
    return this.events.on('sent-tracks', listener);
  }

  close(): void {
    this.#isClosed = true;
    this.#mediaDevices?.removeEventListener?.('devicechange', this.#onDeviceChange);
    this.#pipeline?.close();
    this.#pipeline = null;
    this.#micLevel?.close();
    this.#micLevel = null;
    this.#state.cameraTrack?.stop();
    this.#state.microphoneTrack?.stop();
    this.#set({ cameraTrack: null, microphoneTrack: null, previewStream: null });
    this.events.clear();
  }

  async #startCamera(): Promise<void> {
    try {
      const { resolution, cameraId } = this.#state;
      const stream = await this.#mediaDevices!.getUserMedia({
        video: videoConstraints(resolution, cameraId),
      });
      if (this.#isClosed) return stopAll(stream);
      this.#setCameraTrack(stream.getVideoTracks()[0] ?? null);
      this.#set({ cameraProblem: null });
    } catch (error) {
      this.#set({ cameraProblem: classifyMediaError(error) });
    }
  }

  async #startMicrophone(): Promise<void> {
    try {
      const stream = await this.#mediaDevices!.getUserMedia({
        audio: audioConstraints(this.#state.microphoneId, this.#state.audioProcessing),
      });
      if (this.#isClosed) return stopAll(stream);
      this.#setMicrophoneTrack(stream.getAudioTracks()[0] ?? null);
      this.#set({ microphoneProblem: null });
    } catch (error) {
      this.#set({ microphoneProblem: classifyMediaError(error) });
    }
  }

  #setCameraTrack(track: MediaStreamTrack | null): void {
    if (track) track.enabled = this.#state.isCameraOn;
    this.#set({ cameraTrack: track });
    this.#rebuildPipeline();
  }

  #setMicrophoneTrack(track: MediaStreamTrack | null): void {
    this.#micLevel?.close();
    this.#micLevel = null;
    if (track) {
      track.enabled = this.#state.isMicOn;
      this.#micLevel = this.#createMicLevel(track, this.#state.isMicOn);
    }
    this.#set({ microphoneTrack: track });
  }

  #rebuildPipeline(): void {
    const camera = this.#state.cameraTrack;
    const effect = this.#state.effect;
    if (!camera || effect === 'None') {
      this.#pipeline?.close();
      this.#pipeline = null;
    } else if (this.#pipeline) {
      const drawing = effectDrawing(effect);
      if (drawing) this.#pipeline.setDrawing(drawing);
      this.#pipeline.setSource(camera);
    } else {
      this.#pipeline = this.#createPipeline(camera, effect);
    }
    const video = this.#pipeline?.track ?? camera;
    this.#set({
      previewStream: video && typeof MediaStream === 'function' ? new MediaStream([video]) : null,
    });
  }

  #set(patch: Partial<LocalMediaState>): void {
    Object.assign(this.#state, patch);
    this.events.emit('change', this.#state);
  }

  #sentTracksChanged(): void {
    this.events.emit('sent-tracks', this.sentTracks);
  }
}

function stopAll(stream: MediaStream): void {
  stream.getTracks().forEach((track) => track.stop());
}
