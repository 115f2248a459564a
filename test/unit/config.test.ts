import { describe, expect, it } from '@jest/globals';
import { DEFAULT_MAX_CONCURRENT_ANALYSES, loadConfig } from '../../lambda/config.js';

describe('MAX_CONCURRENT_ANALYSES', () => {
  it('defaults to two analyses at once', () => {
    expect(loadConfig({}).maxConcurrentAnalyses).toBe(DEFAULT_MAX_CONCURRENT_ANALYSES);
    expect(DEFAULT_MAX_CONCURRENT_ANALYSES).toBe(2);
  });

  it('reads a positive integer', () => {
    expect(loadConfig({ MAX_CONCURRENT_ANALYSES: '5' }).maxConcurrentAnalyses).toBe(5);
  });

  it('fails at start-up on anything else', () => {
    for (const bad of ['0', '1.5', '-1', 'many']) {
      expect(() => loadConfig({ MAX_CONCURRENT_ANALYSES: bad })).toThrow(/MAX_CONCURRENT_ANALYSES/);
    }
  });
});
