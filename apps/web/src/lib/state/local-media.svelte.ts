/**
 * The page's view of the local camera and microphone: @app/client's LocalMedia, mirrored
 * into runes. Components read these fields and call the methods; the call reads `source`.
 */
import {
  LocalMedia,
  type AudioProcessing,
  type DeviceOption,
  type Effect,
  type LocalMediaOptions,
  type LocalMediaState,
  type MediaProblemKind,
  type Resolution,
} from '@app/client';
import { loadAudioProcessing, saveAudioProcessing } from '../storage.ts';

export class LocalMediaView {
  /** The framework-free object the call sends from. */
  readonly source: LocalMedia;
  cameras: DeviceOption[] = $state.raw([]);
  microphones: DeviceOption[] = $state.raw([]);
  cameraId = $state('');
  microphoneId = $state('');
  resolution: Resolution = $state('720p');
  effect: Effect = $state('None');
  audioProcessing: AudioProcessing = $state.raw(loadAudioProcessing());
  isAudioProcessingRefused = $state(false);
  isMicOn = $state(true);
  isCameraOn = $state(true);
  cameraProblem: MediaProblemKind | null = $state(null);
  microphoneProblem: MediaProblemKind | null = $state(null);
  isStarting = $state(false);
  cameraTrack: MediaStreamTrack | null = $state.raw(null);
  microphoneTrack: MediaStreamTrack | null = $state.raw(null);
  previewStream: MediaStream | null = $state.raw(null);

  hasCamera = $derived(this.cameraTrack !== null);
  hasMicrophone = $derived(this.microphoneTrack !== null);
  /** What the others get: switched on is not enough without a device behind it. */
  isSendingAudio = $derived(this.isMicOn && this.hasMicrophone);
  isSendingVideo = $derived(this.isCameraOn && this.hasCamera);

  constructor(options: LocalMediaOptions = {}) {
    this.source = new LocalMedia({ audioProcessing: loadAudioProcessing(), ...options });
    this.source.events.on('change', (state) => this.#mirror(state));
    this.#mirror(this.source.state);
  }

  start = (): Promise<void> => this.source.start();
  setCamera = (deviceId: string): Promise<void> => this.source.setCamera(deviceId);
  setMicrophone = (deviceId: string): Promise<void> => this.source.setMicrophone(deviceId);
  setResolution = (resolution: Resolution): Promise<void> => this.source.setResolution(resolution);
  setEffect = (effect: Effect): void => this.source.setEffect(effect);
  /** Remembered in this browser, and applied to the live microphone. */
  setAudioProcessing = (patch: Partial<AudioProcessing>): Promise<void> => {
    saveAudioProcessing({ ...this.audioProcessing, ...patch });
    return this.source.setAudioProcessing(patch);
  };
  setMicOn = (isOn: boolean): void => this.source.setMicOn(isOn);
  setCameraOn = (isOn: boolean): void => this.source.setCameraOn(isOn);
  micLevel = (): number => this.source.micLevel();
  resumeAudio = (): void => this.source.resumeAudio();
  close = (): void => this.source.close();

  #mirror(state: Readonly<LocalMediaState>): void {
    this.cameras = state.cameras;
    this.microphones = state.microphones;
    this.cameraId = state.cameraId;
    this.microphoneId = state.microphoneId;
    this.resolution = state.resolution;
    this.effect = state.effect;
    this.audioProcessing = state.audioProcessing;
    this.isAudioProcessingRefused = state.isAudioProcessingRefused;
    this.isMicOn = state.isMicOn;
    this.isCameraOn = state.isCameraOn;
    this.cameraProblem = state.cameraProblem;
    this.microphoneProblem = state.microphoneProblem;
    this.isStarting = state.isStarting;
    this.cameraTrack = state.cameraTrack;
    this.microphoneTrack = state.microphoneTrack;
    this.previewStream = state.previewStream;
  }
}
