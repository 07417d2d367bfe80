import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.js';
import { createCategorizer } from './registry.js';

describe('choosing the categorizer', () => {
  it('when nothing is configured, then the layered categorizer runs without an LLM', () => {
    const config = loadConfig({});
    expect(config.categorizer).toBe('layered');
    expect(config.llm).toBeUndefined();
    expect(createCategorizer(config.categorizer, [0, 0], config.llm).version).toMatch(/^layered@\d+\+brands@\d{8}$/);
  });

  it('when CATEGORIZER=rules, then the old rules categorizer runs', () => {
    expect(createCategorizer('rules', [0, 0]).version).toBe('rules@1');
  });

  it('when an LLM server and model are configured, then the layered categorizer asks it and says so in its version', () => {
    const config = loadConfig({ LLM_BASE_URL: 'http://127.0.0.1:11434/v1', LLM_MODEL: 'llama3.2', LLM_BELOW_CONFIDENCE: '0.6' });
    expect(config.llm).toEqual({ baseUrl: 'http://127.0.0.1:11434/v1', apiKey: undefined, model: 'llama3.2', belowConfidence: 0.6, timeoutMs: 8000 });
    expect(createCategorizer('layered', [0, 0], config.llm).version).toMatch(/\+llm:llama3\.2$/);
  });

  it.each([
    [{ LLM_BASE_URL: 'http://127.0.0.1:11434/v1' }, /LLM_BASE_URL and LLM_MODEL go together/],
    [{ LLM_BASE_URL: 'ftp://x', LLM_MODEL: 'm' }, /LLM_BASE_URL must be an http\(s\) URL/],
    [{ LLM_BASE_URL: 'http://x', LLM_MODEL: 'm', LLM_BELOW_CONFIDENCE: '2' }, /LLM_BELOW_CONFIDENCE must be a number from 0 to 1/],
  ])('when the LLM settings are %j, then start-up fails saying what is wrong', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('when an LLM is configured for the rules categorizer, then start-up fails rather than ignore it', () => {
    const config = loadConfig({ LLM_BASE_URL: 'http://x', LLM_MODEL: 'm' });
    expect(() => createCategorizer('rules', [0, 0], config.llm)).toThrow(/has no LLM layer/);
  });
});
