import { describe, expect, it } from 'vitest';
import { alertIntervalMs, alertLinkBase, digestSchedule, publicBaseUrl } from './config';

describe('alert settings', () => {
  it('LOOPSCOPE_ALERT_INTERVAL_S: 60 s by default, at least 1', () => {
    expect(alertIntervalMs({})).toBe(60_000);
    expect(alertIntervalMs({ LOOPSCOPE_ALERT_INTERVAL_S: '1' })).toBe(1000);
    expect(alertIntervalMs({ LOOPSCOPE_ALERT_INTERVAL_S: '2.5' })).toBe(2500);
    expect(() => alertIntervalMs({ LOOPSCOPE_ALERT_INTERVAL_S: '0.5' })).toThrow('at least 1');
    expect(() => alertIntervalMs({ LOOPSCOPE_ALERT_INTERVAL_S: 'soon' })).toThrow("got 'soon'");
  });

  it('the digest: Monday 08:00 UTC unless LOOPSCOPE_DIGEST_WEEKDAY / LOOPSCOPE_DIGEST_HOUR_UTC say otherwise', () => {
    expect(digestSchedule({})).toEqual({ weekday: 1, hourUtc: 8 });
    expect(digestSchedule({ LOOPSCOPE_DIGEST_WEEKDAY: '5', LOOPSCOPE_DIGEST_HOUR_UTC: '0' })).toEqual({ weekday: 5, hourUtc: 0 });
    expect(digestSchedule({ LOOPSCOPE_DIGEST_WEEKDAY: 'Fri' })).toEqual({ weekday: 5, hourUtc: 8 });
    expect(digestSchedule({ LOOPSCOPE_DIGEST_WEEKDAY: 'sunday' })).toEqual({ weekday: 7, hourUtc: 8 });
    expect(() => digestSchedule({ LOOPSCOPE_DIGEST_WEEKDAY: 'mo' })).toThrow('LOOPSCOPE_DIGEST_WEEKDAY');
    expect(() => digestSchedule({ LOOPSCOPE_DIGEST_WEEKDAY: '8' })).toThrow('LOOPSCOPE_DIGEST_WEEKDAY');
    expect(() => digestSchedule({ LOOPSCOPE_DIGEST_HOUR_UTC: '24' })).toThrow('0 to 23');
  });

  it('links: LOOPSCOPE_PUBLIC_URL without its trailing slash, else this machine', () => {
    expect(publicBaseUrl({})).toBeNull();
    expect(publicBaseUrl({ LOOPSCOPE_PUBLIC_URL: 'https://loopscope.example.com/' })).toBe('https://loopscope.example.com');
    expect(publicBaseUrl({ LOOPSCOPE_PUBLIC_URL: 'https://example.com/loopscope/' })).toBe('https://example.com/loopscope');
    expect(() => publicBaseUrl({ LOOPSCOPE_PUBLIC_URL: 'loopscope.example.com' })).toThrow('LOOPSCOPE_PUBLIC_URL');
    expect(alertLinkBase({ PORT: '4000' })).toBe('http://localhost:4000');
    expect(alertLinkBase({ LOOPSCOPE_PUBLIC_URL: 'https://l.example' })).toBe('https://l.example');
  });
});
