import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig } from 'vite';

/** The console is served by the API at `/`: `dist/` is what apps/api's console.ts serves. */
export default defineConfig({
  plugins: [react(), tailwindcss()],
  // `@mge/core/domain` (core's browser-safe status lists) is bundled from its TypeScript source:
  // core's package.json maps the `@mge/source` condition to it (its dist/ is CommonJS for Node).
  resolve: { conditions: ['@mge/source', ...defaultClientConditions] },
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1500 },
  server: {
    // `npm run dev -w @mge/console` against `npx mge up` on :3000.
    proxy: { '/api': 'http://127.0.0.1:3000', '/ws': { target: 'ws://127.0.0.1:3000', ws: true } },
  },
});
