/**
 * JSON Schema documents of the protocol, generated from the zod schemas, for clients that
 * are not written in TypeScript (a mobile app, a bot). Not exported from index.ts: the
 * generator is only needed by `pnpm --filter @app/protocol run schema` and its test.
 */
import { toJSONSchema, type core } from 'zod/mini';
import { ClientMessage, ServerMessage } from './messages.ts';
import { PeerMessage } from './peer-messages.ts';

interface Document {
  file: string;
  title: string;
  description: string;
  schema: core.$ZodType;
}

const DOCUMENTS: readonly Document[] = [
  {
    file: 'client-to-server.json',
    title: 'Callroom signaling: client to server',
    description: 'One text frame on the /ws WebSocket, sent by a client. See packages/protocol/README.md.',
    schema: ClientMessage,
  },
  {
    file: 'server-to-client.json',
    title: 'Callroom signaling: server to client',
    description: 'One text frame on the /ws WebSocket, sent by the server. See packages/protocol/README.md.',
    schema: ServerMessage,
  },
  {
    file: 'peer.json',
    title: 'Callroom data channel: peer to peer',
    description:
      'One JSON text message on the `chat` data channel (or `file-end` on a `file:<id>` channel). See packages/protocol/README.md.',
    schema: PeerMessage,
  },
];

/**
 * Each document as the text checked in under `schema/`. `io: 'input'` describes what a
 * sender may put on the wire: objects stay open (unknown fields are ignored) except where
 * the schema is strict.
 */
export function jsonSchemaFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const { file, title, description, schema } of DOCUMENTS) {
    const { $schema, ...body } = toJSONSchema(schema, { io: 'input' });
    const document = { $schema, title, description, ...body };
    files.set(file, `${JSON.stringify(document, null, 2)}\n`);
  }
  return files;
}
