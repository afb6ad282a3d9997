/**
 * Raised hands and reactions: small room-wide messages the server fans out to everyone in
 * the room, the sender included (its copy is the confirmation). Written with `zod/mini`.
 */
import * as z from 'zod/mini';
import { PeerId } from './common.ts';

/**
 * The reactions a person can send. A fixed, small set: every client draws the same ones,
 * and a screen full of arbitrary text cannot be sent as a "reaction".
 */
export const REACTIONS = ['👍', '❤️', '😂', '😮', '👏', '🎉'] as const;
export const Reaction = z.enum(REACTIONS);
export type Reaction = z.infer<typeof Reaction>;

// Client to server

/** Raise or lower your hand; the room hears `hand` from the server. */
export const HandMessage = z.object({ type: z.literal('hand'), raised: z.boolean() });
export type HandMessage = z.infer<typeof HandMessage>;

/** Send a reaction to everyone in the room (rate limited, see the README's limits). */
export const ReactMessage = z.object({ type: z.literal('react'), emoji: Reaction });
export type ReactMessage = z.infer<typeof ReactMessage>;

// Server to client

/** `id` raised or lowered their hand (also sent to `id` itself). */
export const PeerHandMessage = z.object({ type: z.literal('hand'), id: PeerId, raised: z.boolean() });
export type PeerHandMessage = z.infer<typeof PeerHandMessage>;

/** `from` reacted; `from` is set by the server (also sent to `from` itself). */
export const ReactionMessage = z.object({ type: z.literal('reaction'), from: PeerId, emoji: Reaction });
export type ReactionMessage = z.infer<typeof ReactionMessage>;
