/** Entry point of the CLI's single-file bundle (dist/grantlint.cjs, built by scripts/bundle.mjs). */
export { main } from './main.js';
