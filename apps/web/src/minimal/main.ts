/**
 * The smallest client: a call built on @app/client with plain DOM code, no UI framework.
 * It shows what the package is for (the full app's Svelte layer is only a view over the
 * same objects) and joins the same rooms as the full app: `/minimal.html?room=<room>`.
 */
import { Call, LocalMedia, type Participant } from '@app/client';

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`#${id} is missing from minimal.html`);
  return found as T;
}

const joinForm = element<HTMLFormElement>('join');
const problem = element<HTMLParagraphElement>('problem');
const tiles = element<HTMLDivElement>('tiles');
const chat = element<HTMLDivElement>('chat');
const roomInput = element<HTMLInputElement>('room');
roomInput.value = new URLSearchParams(location.search).get('room') ?? '';

const media = new LocalMedia();
void media.start().then(() => {
  element<HTMLVideoElement>('self').srcObject = media.state.previewStream;
});

function say(text: string): void {
  problem.textContent = text;
  problem.hidden = text === '';
}

function addLine(name: string, text: string): void {
  const line = document.createElement('p');
  const who = document.createElement('strong');
  who.textContent = `${name || 'Someone'}: `;
  line.append(who, text);
  chat.append(line);
}

function tileOf(id: string): HTMLElement | null {
  return tiles.querySelector(`[data-peer-id="${CSS.escape(id)}"]`);
}

function showParticipant(participant: Participant): void {
  const tile = document.createElement('figure');
  tile.dataset['peerId'] = participant.id;
  const video = document.createElement('video');
  video.autoplay = true;
  video.playsInline = true;
  video.srcObject = participant.stream;
  const caption = document.createElement('figcaption');
  caption.textContent = participant.name;
  tile.append(video, caption);
  tiles.append(tile);
}

joinForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const room = roomInput.value;
  const name = element<HTMLInputElement>('name').value;
  const call = new Call({
    room,
    media,
    signalUrl: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`,
    environment: window,
  });
  call.on('phase', (phase) => {
    joinForm.hidden = phase === 'in-call';
    element('call').hidden = phase !== 'in-call';
  });
  call.on('refused', ({ message }) => say(message));
  call.on('participant-added', showParticipant);
  call.on('participant-changed', ({ id, patch }) => {
    const video = tileOf(id)?.querySelector('video');
    const caption = tileOf(id)?.querySelector('figcaption');
    if (video && patch.stream !== undefined) video.srcObject = patch.stream;
    if (caption && patch.name !== undefined) caption.textContent = patch.name;
  });
  call.on('participant-removed', ({ id }) => tileOf(id)?.remove());
  call.on('chat', ({ peerId, message }) => addLine(call.participantName(peerId) ?? '', message.text));
  element<HTMLFormElement>('send').onsubmit = (sendEvent) => {
    sendEvent.preventDefault();
    const input = element<HTMLInputElement>('message');
    if (call.sendChat(input.value)) addLine(name, input.value.trim());
    input.value = '';
  };
  element('hang-up').onclick = () => {
    call.hangUp();
    media.close();
    say('You left the call.');
  };
  say('');
  if (!call.join({ name })) say('Enter your name (up to 40 characters), then press Join.');
});
