/**
 * The page's view of photos, files and the screen in a call: @app/client's Sharing mirrored
 * into runes, the "send to whom?" step, and the words for what went wrong. Photos (ours and
 * others') go into the call's chat log.
 */
import {
  Sharing,
  type ScreenShareProblem,
  type SharedPhoto,
  type SharingOptions,
  type SharingProblem,
  type TransferRow,
} from '@app/client';
import type { PeerId } from '@app/protocol';
import type { Messages } from '../i18n/en.ts';
import { i18n } from '../i18n/locale.svelte.ts';
import type { CallController } from './call.svelte.ts';

/** A transfer as the list shows it: with the other person's name. */
export interface TransferView extends TransferRow {
  peerName: string;
}

/** Something about sharing went wrong: a photo or file problem, or a refused screen. */
export type SharingTrouble = SharingProblem | ScreenShareProblem;

export function troubleText(t: Messages, trouble: SharingTrouble): string {
  const words: Record<SharingTrouble, string> = {
    'nobody-here': t.sharing.nobodyHere,
    'camera-off': t.sharing.cameraOff,
    'photo-failed': t.sharing.photoFailed,
    'not-allowed': t.sharing.screenNotAllowed,
    unsupported: t.sharing.screenUnsupported,
  };
  return words[trouble];
}

export class CallSharing {
  transfers: TransferView[] = $state.raw([]);
  /** The person picks recipients for the next file (more than one other person in the call). */
  isChoosingRecipient = $state(false);
  /** What went wrong with sharing (a photo that failed, a refused screen), as a code. */
  trouble: SharingTrouble | null = $state(null);
  /** The same in plain words. */
  problem: string | null = $derived(this.trouble && troubleText(i18n.t, this.trouble));

  readonly #controller: CallController;
  readonly #sharing: Sharing;
  readonly #offs: (() => void)[];
  /** Who the next chosen files go to; null = everyone. */
  #recipients: PeerId[] | null = null;
  #chooseFiles: (() => void) | null = null;

  constructor(controller: CallController, options: SharingOptions = {}) {
    this.#controller = controller;
    this.#sharing = new Sharing(controller.call, options);
    this.#offs = [
      this.#sharing.events.on('transfers', (rows) => {
        // Someone away (they may come back after a reload) keeps the name they had.
        const nameOf = (row: TransferRow) => controller.call.participantName(row.peerId) || row.peerName;
        this.transfers = rows.map((row) => ({ ...row, peerName: nameOf(row) || 'Someone' }));
      }),
      this.#sharing.events.on('photo', (photo) => this.#showPhoto(photo)),
      this.#sharing.events.on('problem', (problem) => (this.trouble = problem)),
      controller.call.on('screen-error', ({ reason }) => (this.trouble = reason)),
    ];
  }

  get isSharingScreen(): boolean {
    return this.#controller.isSharingScreen;
  }

  /** The element that opens the file chooser (a hidden `<input type=file>`), set by the view. */
  setFileChooser(open: (() => void) | null): void {
    this.#chooseFiles = open;
  }

  /** `Send file`: straight to the chooser with one other person, else first ask whom to send to. */
  startSendFile(): void {
    this.trouble = null;
    const count = this.#controller.participants.length;
    if (count === 0) this.trouble = 'nobody-here';
    else if (count === 1) this.chooseFilesFor(null);
    else this.isChoosingRecipient = true;
  }

  /** A recipient was picked (null = everyone): open the chooser. */
  chooseFilesFor(peerId: PeerId | null): void {
    this.isChoosingRecipient = false;
    this.#recipients = peerId === null ? null : [peerId];
    this.#chooseFiles?.();
  }

  /** Files chosen in the chooser, or dropped on the call (then to everyone). */
  sendFiles(files: Iterable<File>, recipients: PeerId[] | null = this.#recipients): void {
    this.#recipients = null;
    this.#sharing.sendFiles(files, recipients);
  }

  accept = (key: string): void => this.#sharing.accept(key);
  decline = (key: string): void => this.#sharing.decline(key);
  cancel = (key: string): void => this.#sharing.cancel(key);
  dismiss = (key: string): void => this.#sharing.dismiss(key);
  /** After a reload: the file of an outgoing transfer, chosen again. */
  chooseFileAgain = (key: string, file: File): void => this.#sharing.chooseFileAgain(key, file);

  /** `Take photo`: a still of the self view (effect included) to everyone. */
  takePhoto(): Promise<void> {
    this.trouble = null;
    const media = this.#controller.media;
    return this.#sharing.takePhoto(media.isCameraOn ? media.previewStream : null);
  }

  close(): void {
    for (const off of this.#offs.splice(0)) off();
    this.#sharing.close();
  }

  #showPhoto(photo: SharedPhoto): void {
    const isOwn = photo.peerId === null;
    const senderName =
      photo.peerId === null ? this.#controller.name : this.#controller.participantName(photo.peerId);
    this.#controller.chat.add({
      kind: 'photo',
      id: photo.id,
      senderName,
      isOwn,
      sentAt: photo.sentAt,
      src: URL.createObjectURL(photo.blob),
      width: photo.width,
      height: photo.height,
    });
  }
}
