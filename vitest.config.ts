import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // onnxruntime and sharp each use native threads; two forks match the 2-core CI machine.
    pool: 'forks',
    maxWorkers: 2,
  },
});
