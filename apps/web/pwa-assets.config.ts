import { defineConfig, minimal2023Preset } from '@vite-pwa/assets-generator/config';

/**
 * Every icon of the installed app comes from public/icon.svg: `pnpm --filter @app/web icons`
 * writes the PNGs and favicon.ico beside it, and they are committed (the build never draws them).
 */
const accent = '#5b8cff';

export default defineConfig({
  headLinkOptions: { preset: '2023' },
  preset: {
    ...minimal2023Preset,
    // The launcher crops maskable icons to any shape inside the middle 80%: the tile's own
    // colour fills the rest, so the crop never shows a white or transparent edge.
    maskable: { sizes: [512], padding: 0.2, resizeOptions: { background: accent } },
    // iOS draws transparency as black and rounds the corners itself.
    apple: { sizes: [180], padding: 0.12, resizeOptions: { background: accent } },
  },
  images: ['public/icon.svg'],
});
