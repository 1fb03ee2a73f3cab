import { describe, expect, it } from 'vitest';
import { checkDestinationUrl, maskDestinationUrl } from './destination-url';

describe('destination URLs', () => {
  it('takes http(s) webhook URLs as they are, without the fragment', () => {
    expect(checkDestinationUrl(' https://hooks.slack.com/services/T0/B0/xyz ')).toEqual({ ok: true, url: 'https://hooks.slack.com/services/T0/B0/xyz' });
    expect(checkDestinationUrl('http://chat.internal:8065/hooks/abc?x=1#frag')).toEqual({ ok: true, url: 'http://chat.internal:8065/hooks/abc?x=1' });
  });

  it('refuses other schemes, credentials in the URL, and what is not a URL', () => {
    const problem = (url: string) => {
      const c = checkDestinationUrl(url);
      return c.ok ? null : c.problem;
    };
    expect(problem('file:///etc/passwd')).toBe('only http:// and https:// URLs can receive alerts, not file:');
    expect(problem('gopher://example.com/')).toContain('not gopher:');
    expect(problem('javascript:alert(1)')).toContain('not javascript:');
    expect(problem('https://user:pass@example.com/hook')).toContain('user name or password');
    expect(problem('https://token@example.com/hook')).toContain('user name or password');
    expect(problem('hooks.slack.com/services/x')).toContain('is not a URL');
    expect(problem('')).toBe('give the incoming-webhook URL');
    expect(problem(`https://example.com/${'a'.repeat(2100)}`)).toContain('at most 2048 characters');
  });

  it("masks a webhook's path, its credential, in lists", () => {
    expect(maskDestinationUrl('https://hooks.slack.com/services/T0000/B0000/XXXXabcd')).toBe('https://hooks.slack.com/services/…abcd');
    expect(maskDestinationUrl('https://discord.com/api/webhooks/123/tok/slack')).toBe('https://discord.com/api/…lack');
    expect(maskDestinationUrl('http://127.0.0.1:9999/hook')).toBe('http://127.0.0.1:9999/hook');
  });
});
