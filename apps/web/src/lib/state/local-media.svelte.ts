/* eslint-disable svelte/prefer-svelte-reactivity -- the Maps/Sets/URLs here are private bookkeeping that is never rendered; reactive state is in $state fields. */
/**
 * The person's own camera and microphone: the devices picked, the tracks captured, the
 * video effect, and what is actually sent (nothing while muted or camera-off). The call
 * listens to `onSentTracksChange` and swaps tracks on every peer connection with
 * replaceTrack, so switching anything never renegotiates.
 */
import {
  audioConstraints,
  classifyMediaError,
  mediaProblemMessage,
  videoConstraints,
  type MediaProblemKind,
  type Resolution,
} from '../media/constraints.ts';
import { toDeviceOptions, type DeviceOption } from '../media/devices.ts';
import { EffectPipeline, effectDrawing, type Effect } from '../media/effects.ts';
import { MicLevel } from '../media/MicLevel.ts';
import type { LocalTracks } from '../rtc/PeerSession.ts';

export interface LocalMediaOptions {
  mediaDevices?: MediaDevices;
  createPipeline?: (source: MediaStreamTrack, effect: Effect) => EffectPipeline | null;
  createMicLevel?: (track: MediaStreamTrack) => MicLevel | null;
}

function defaultPipeline(source: MediaStreamTrack, effect: Effect): EffectPipeline | null {
  const drawing = effectDrawing(effect);
  if (!drawing) return null;
  try {
    return new EffectPipeline(source, drawing);
  } catch {
    return null;
  }
}

function defaultMicLevel(track: MediaStreamTrack): MicLevel | null {
  try {
    return new MicLevel(track);
  } catch {
    return null;
  }
}

export class LocalMedia {
  cameras: DeviceOption[] = $state.raw([]);
  microphones: DeviceOption[] = $state.raw([]);
  cameraId = $state('');
  microphoneId = $state('');
  resolution: Resolution = $state('720p');
  effect: Effect = $state('None');
  isMicOn = $state(true);
  isCameraOn = $state(true);
  cameraProblem: MediaProblemKind | null = $state(null);
  microphoneProblem: MediaProblemKind | null = $state(null);
  isStarting = $state(false);
  cameraTrack: MediaStreamTrack | null = $state.raw(null);
  microphoneTrack: MediaStreamTrack | null = $state.raw(null);
  /** What the self view shows: the video that is sent, effect included. */
  previewStream: MediaStream | null = $state.raw(null);

  hasCamera = $derived(this.cameraTrack !== null);
  hasMicrophone = $derived(this.microphoneTrack !== null);
  /** What the others get: switched on is not enough without a device behind it. */
  isSendingAudio = $derived(this.isMicOn && this.hasMicrophone);
  isSendingVideo = $derived(this.isCameraOn && this.hasCamera);
  problemMessage = $derived(mediaProblemMessage(this.cameraProblem, this.microphoneProblem));

  /** Stable stream id for the tracks we send, so peers receive them grouped. */
  readonly outboundStream: MediaStream | undefined =
    typeof MediaStream === 'function' ? new MediaStream() : undefined;

  readonly #mediaDevices: MediaDevices | undefined;
  readonly #createPipeline: (source: MediaStreamTrack, effect: Effect) => EffectPipeline | null;
  readonly #createMicLevel: (track: MediaStreamTrack) => MicLevel | null;
  #pipeline: EffectPipeline | null = null;
  #micLevel: MicLevel | null = null;
  #listeners = new Set<(tracks: LocalTracks) => void>();
  #isClosed = false;
  readonly #onDeviceChange = () => void this.refreshDevices();

  constructor(options: LocalMediaOptions = {}) {
    this.#mediaDevices = options.mediaDevices ?? globalThis.navigator?.mediaDevices;
    this.#createPipeline = options.createPipeline ?? defaultPipeline;
    this.#createMicLevel = options.createMicLevel ?? defaultMicLevel;
    this.#mediaDevices?.addEventListener?.('devicechange', this.#onDeviceChange);
  }

  /** Asks for camera and microphone; whatever fails is reported, the rest still works. */
  async start(): Promise<void> {
    const devices = this.#mediaDevices;
    if (!devices?.getUserMedia) {
      this.cameraProblem = 'other';
      this.microphoneProblem = 'other';
      return;
    }
    this.isStarting = true;
    try {
      const stream = await devices.getUserMedia({
        audio: audioConstraints(this.microphoneId),
        video: videoConstraints(this.resolution, this.cameraId),
      });
      if (this.#isClosed) return stopAll(stream);
      this.#setCameraTrack(stream.getVideoTracks()[0] ?? null);
      this.#setMicrophoneTrack(stream.getAudioTracks()[0] ?? null);
      this.cameraProblem = this.cameraTrack ? null : 'missing';
      this.microphoneProblem = this.microphoneTrack ? null : 'missing';
    } catch {
      // One of the two is blocked or missing: ask for each alone to learn which.
      await Promise.all([this.#startCamera(), this.#startMicrophone()]);
    } finally {
      this.isStarting = false;
    }
    await this.refreshDevices();
    this.#notify();
  }

  async refreshDevices(): Promise<void> {
    const devices = this.#mediaDevices;
    if (!devices?.enumerateDevices) return;
    try {
      const list = await devices.enumerateDevices();
      this.cameras = toDeviceOptions(list, 'videoinput');
      this.microphones = toDeviceOptions(list, 'audioinput');
    } catch {
      // Keep the previous lists.
    }
    const cameraId = this.cameraTrack?.getSettings().deviceId;
    const microphoneId = this.microphoneTrack?.getSettings().deviceId;
    if (cameraId) this.cameraId = cameraId;
    if (microphoneId) this.microphoneId = microphoneId;
  }

  async setCamera(deviceId: string): Promise<void> {
    this.cameraId = deviceId;
    this.cameraTrack?.stop();
    this.#setCameraTrack(null);
    await this.#startCamera();
    this.#notify();
  }

  async setMicrophone(deviceId: string): Promise<void> {
    this.microphoneId = deviceId;
    this.microphoneTrack?.stop();
    this.#setMicrophoneTrack(null);
    await this.#startMicrophone();
    this.#notify();
  }

  async setResolution(resolution: Resolution): Promise<void> {
    this.resolution = resolution;
    const track = this.cameraTrack;
    if (!track) return;
    try {
      await track.applyConstraints(videoConstraints(resolution, this.cameraId));
    } catch {
      // The camera keeps its current size; nothing else to do.
    }
  }

  setEffect(effect: Effect): void {
    this.effect = effect;
    this.#rebuildPipeline();
    this.#notify();
  }

  setMicOn(isOn: boolean): void {
    this.isMicOn = isOn;
    if (this.microphoneTrack) this.microphoneTrack.enabled = isOn;
    this.#notify();
  }

  setCameraOn(isOn: boolean): void {
    this.isCameraOn = isOn;
    if (this.cameraTrack) this.cameraTrack.enabled = isOn;
    this.#notify();
  }

  /** What goes to peers right now: nothing for a muted mic or a camera that is off. */
  get sentTracks(): LocalTracks {
    return {
      audio: this.isMicOn ? this.microphoneTrack : null,
      video: this.isCameraOn ? (this.#pipeline?.track ?? this.cameraTrack) : null,
    };
  }

  /** The camera track itself (no effect), e.g. for a still photo. */
  get rawCameraTrack(): MediaStreamTrack | null {
    return this.cameraTrack;
  }

  micLevel(): number {
    return this.isMicOn ? (this.#micLevel?.level() ?? 0) : 0;
  }

  /** Called on a click: browsers start audio only after a user gesture. */
  resumeAudio(): void {
    this.#micLevel?.resume();
  }

  onSentTracksChange(listener: (tracks: LocalTracks) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  close(): void {
    this.#isClosed = true;
    this.#mediaDevices?.removeEventListener?.('devicechange', this.#onDeviceChange);
    this.#pipeline?.close();
    this.#pipeline = null;
    this.#micLevel?.close();
    this.#micLevel = null;
    this.cameraTrack?.stop();
    this.microphoneTrack?.stop();
    this.cameraTrack = null;
    this.microphoneTrack = null;
    this.previewStream = null;
    this.#listeners.clear();
  }

  async #startCamera(): Promise<void> {
    try {
      const stream = await this.#mediaDevices!.getUserMedia({
        video: videoConstraints(this.resolution, this.cameraId),
      });
      if (this.#isClosed) return stopAll(stream);
      this.#setCameraTrack(stream.getVideoTracks()[0] ?? null);
      this.cameraProblem = null;
    } catch (error) {
      this.cameraProblem = classifyMediaError(error);
    }
  }

  async #startMicrophone(): Promise<void> {
    try {
      const stream = await this.#mediaDevices!.getUserMedia({ audio: audioConstraints(this.microphoneId) });
      if (this.#isClosed) return stopAll(stream);
      this.#setMicrophoneTrack(stream.getAudioTracks()[0] ?? null);
      this.microphoneProblem = null;
    } catch (error) {
      this.microphoneProblem = classifyMediaError(error);
    }
  }

  #setCameraTrack(track: MediaStreamTrack | null): void {
    this.cameraTrack = track;
    if (track) track.enabled = this.isCameraOn;
    this.#rebuildPipeline();
  }

  #setMicrophoneTrack(track: MediaStreamTrack | null): void {
    this.microphoneTrack = track;
    this.#micLevel?.close();
    this.#micLevel = null;
    if (track) {
      track.enabled = this.isMicOn;
      this.#micLevel = this.#createMicLevel(track);
    }
  }

  #rebuildPipeline(): void {
    const camera = this.cameraTrack;
    if (!camera || this.effect === 'None') {
      this.#pipeline?.close();
      this.#pipeline = null;
    } else if (this.#pipeline) {
      const drawing = effectDrawing(this.effect);
      if (drawing) this.#pipeline.setDrawing(drawing);
      this.#pipeline.setSource(camera);
    } else {
      this.#pipeline = this.#createPipeline(camera, this.effect);
    }
    const video = this.#pipeline?.track ?? camera;
    this.previewStream = video && typeof MediaStream === 'function' ? new MediaStream([video]) : null;
  }

  #notify(): void {
    const tracks = this.sentTracks;
    for (const listener of this.#listeners) listener(tracks);
  }
}

function stopAll(stream: MediaStream): void {
  stream.getTracks().forEach((track) => track.stop());
}
