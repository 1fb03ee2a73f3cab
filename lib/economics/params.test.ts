import { describe, expect, it } from 'vitest';
import { parseCompareBy, parseScenario, scenarioParams } from './params';

const q = (s: string) => new URLSearchParams(s);

describe('parseCompareBy', () => {
  it('takes agent or model', () => {
    expect(parseCompareBy(q('by=agent'))).toEqual({ ok: true, value: 'agent' });
    expect(parseCompareBy(q('by=model&team=x'))).toEqual({ ok: true, value: 'model' });
  });
  it.each(['', 'by=', 'by=repo', 'by=agent&by=model'])('names by for %j', (s) => {
    expect(parseCompareBy(q(s))).toMatchObject({ ok: false, field: 'by' });
  });
});

describe('parseScenario', () => {
  it('price: the four rates, numbers ≥ 0', () => {
    expect(parseScenario(q('scenario=price&inputPerM=1.5&outputPerM=0&cacheReadPerM=.1&cacheWritePerM=2e0'))).toEqual({
      ok: true,
      value: { kind: 'price', inputPerM: 1.5, outputPerM: 0, cacheReadPerM: 0.1, cacheWritePerM: 2 },
    });
  });
  it('model: the id as sent', () => {
    expect(parseScenario(q('scenario=model&model=claude-sonnet-4-5'))).toEqual({ ok: true, value: { kind: 'model', model: 'claude-sonnet-4-5' } });
  });
  it('selfhosted: utilization defaults to 1', () => {
    expect(parseScenario(q('scenario=selfhosted&gpuHourUsd=2.5&gpus=8&prefillTokensPerSecond=40000&decodeTokensPerSecond=4000'))).toEqual({
      ok: true,
      value: { kind: 'selfhosted', gpuHourUsd: 2.5, gpus: 8, prefillTokensPerSecond: 40000, decodeTokensPerSecond: 4000, utilization: 1 },
    });
  });
  const node = 'scenario=selfhosted&gpuHourUsd=2&gpus=1&prefillTokensPerSecond=1&decodeTokensPerSecond=1';
  const price = 'scenario=price&inputPerM=1&outputPerM=1&cacheReadPerM=1&cacheWritePerM=1';
  it.each([
    ['', 'scenario'],
    ['scenario=cheap', 'scenario'],
    ['scenario=price&scenario=model', 'scenario'],
    ['scenario=price&inputPerM=1&outputPerM=1&cacheReadPerM=1', 'cacheWritePerM'],
    [`${price.replace('inputPerM=1', 'inputPerM=-1')}`, 'inputPerM'],
    [`${price.replace('outputPerM=1', 'outputPerM=abc')}`, 'outputPerM'],
    [`${price.replace('outputPerM=1', 'outputPerM=Infinity')}`, 'outputPerM'],
    [`${price}&cacheReadPerM=2`, 'cacheReadPerM'],
    ['scenario=model', 'model'],
    ['scenario=model&model=', 'model'],
    [node.replace('gpuHourUsd=2', 'gpuHourUsd=0'), 'gpuHourUsd'],
    [node.replace('gpus=1', 'gpus=1.5'), 'gpus'],
    [node.replace('gpus=1', 'gpus=0'), 'gpus'],
    [node.replace('prefillTokensPerSecond=1', 'prefillTokensPerSecond=0'), 'prefillTokensPerSecond'],
    [node.replace('&decodeTokensPerSecond=1', ''), 'decodeTokensPerSecond'],
    [`${node}&utilization=0`, 'utilization'],
    [`${node}&utilization=1.01`, 'utilization'],
  ])('names the bad parameter of %j', (s, field) => {
    const got = parseScenario(q(s));
    expect(got).toMatchObject({ ok: false, field });
    if (!got.ok) expect(got.error).toContain(field);
  });
  it('says what is wrong with a number in words: a negative one by its bound, one too large as such', () => {
    const error = (s: string) => {
      const got = parseScenario(q(s));
      return got.ok ? null : got.error;
    };
    expect(error(price.replace('inputPerM=1', 'inputPerM=-1'))).toBe('inputPerM must be 0 or more (USD per million tokens); got "-1"');
    expect(error(node.replace('gpuHourUsd=2', 'gpuHourUsd=-2'))).toBe('gpuHourUsd must be more than 0; got "-2"');
    expect(error(price.replace('inputPerM=1', 'inputPerM=1e400'))).toBe('inputPerM is too large a number; got "1e400"');
    expect(error(price.replace('inputPerM=1', 'inputPerM=0x10'))).toBe('inputPerM must be a decimal number; got "0x10"');
  });
  it('a scenario round-trips through its query parameters', () => {
    const value = { kind: 'selfhosted' as const, gpuHourUsd: 2.5, gpus: 8, prefillTokensPerSecond: 40000, decodeTokensPerSecond: 4000, utilization: 0.6 };
    expect(parseScenario(new URLSearchParams(scenarioParams(value)))).toEqual({ ok: true, value });
  });
});
