import type { CreateMediaRooms, MediaConfig } from './index.ts';

/**
 * The media-server side (the Janus client, its schemas and the rooms over it), loaded only
 * when JANUS_URLS names a media server: a process whose rooms are all meshes never
 * evaluates it.
 */
export async function loadMediaRooms(
  config: Pick<MediaConfig, 'janusUrls'>,
): Promise<CreateMediaRooms | undefined> {
  if (config.janusUrls.length === 0) return undefined;
  const { createMediaRooms } = await import('./index.ts');
  return createMediaRooms;
}
