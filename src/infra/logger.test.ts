import { describe, expect, it } from 'vitest';
import { redactUrl } from './logger.js';

describe('redactUrl', () => {
  it('when a connection URL holds a password, in its user part or as a query parameter, then none of it is shown', () => {
    expect(redactUrl('postgres://lucro:hunter2@db:5432/lucro')).toBe('postgres://lucro:***@db:5432/lucro');
    const shown = redactUrl('postgres://lucro@db/lucro?password=hunter2&sslpassword=keypass&sslmode=require&application_name=api');
    expect(shown).not.toMatch(/hunter2|keypass/);
    expect(shown).toBe('postgres://lucro@db/lucro?password=***&sslpassword=***&sslmode=require&application_name=api');
    expect(redactUrl('rediss://default:s3cret@cache:6380/2')).toBe('rediss://default:***@cache:6380/2');
  });

  it('when the URL cannot be read, then nothing of it is shown', () => {
    expect(redactUrl('postgres://lucro:hunter2@[db/lucro')).toBe('[unparseable url]');
  });
});
