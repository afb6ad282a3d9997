// Components and state are tested as a room's page has them: with the whole catalogue.
import { i18n } from './lib/i18n/locale.svelte.ts';

await i18n.loadAll();
