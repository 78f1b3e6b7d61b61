import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// Two projects: the backend (Node, loopback fakes) and the Custom UI (happy-dom).
// Browser e2e runs separately (`npm run test:e2e`) because it needs Chromium and the built panel.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'backend',
          environment: 'node',
          include: ['test/**/*.test.ts'],
          exclude: ['test/e2e/**'],
          testTimeout: 20_000,
        },
      },
      {
        plugins: [react()],
        test: {
          name: 'ui',
          environment: 'happy-dom',
          include: ['static/panel/src/**/*.test.tsx'],
          // Rendering 100-row tables takes over a second on a loaded 2-core machine.
          testTimeout: 20_000,
        },
      },
    ],
  },
});
