import { ensureBuilt } from './support/build.ts';
import { makeFakeCameras } from './support/media.ts';

export default function globalSetup(): void {
  ensureBuilt();
  makeFakeCameras();
}
