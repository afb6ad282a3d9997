/**
 * Every error a client can receive from the signaling server, with a stable code and a
 * message a person can read. Codes are part of the wire protocol and never change meaning;
 * the texts may be reworded. A refusal never closes the connection (README, "Errors").
 * Throw sites name a code; the text lives here.
 */
export const ERRORS = {
  'bad-message':
    'That message could not be understood: it must be a JSON object matching the signaling protocol.',
  'not-joined': 'Join a room before sending signals or leaving.',
  'already-joined': 'You are already in a room. Leave it before joining another.',
  'room-full': 'This room is full. Ask someone to leave, or start a new room.',
  'wrong-password': 'That password is not right for this room. Check it with the person who shared the link.',
  'unknown-peer': 'That person is not in your room any more.',
  'rate-limited': 'Too many messages too quickly. Slow down and try again in a moment.',
  'too-many-attempts':
    'Too many wrong passwords for this room from your network. Check the password with the person who shared the link, and try again after the wait.',
} as const satisfies Record<string, string>;

type Code = keyof typeof ERRORS;

export const ERROR_CODES = Object.keys(ERRORS) as [Code, ...Code[]];

export function errorMessage(code: Code): string {
  return ERRORS[code];
}
