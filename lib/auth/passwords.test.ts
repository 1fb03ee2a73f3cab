import { describe, expect, it } from 'vitest';
import { COMMON_PASSWORDS } from './common-passwords';
import { passwordCost } from '@/lib/config';
import { hashPassword, MIN_PASSWORD_LENGTH, passwordProblem, verifyPassword } from './passwords';

describe('passwords', () => {
  it('hashes with scrypt N=2^17, r=8, p=1 and a 16-byte salt, and verifies', async () => {
    expect(passwordCost({})).toBe(17);
    expect(passwordCost({ LOOPSCOPE_PASSWORD_COST: '12' })).toBe(12);
    expect(() => passwordCost({ LOOPSCOPE_PASSWORD_COST: '4' })).toThrow(/10 to 20/);
    const hash = await hashPassword('correct horse battery', passwordCost({}));
    const [alg, logN, r, p, salt, key] = hash.split('$');
    expect([alg, logN, r, p]).toEqual(['scrypt', '17', '8', '1']);
    expect(Buffer.from(salt, 'base64url')).toHaveLength(16);
    expect(Buffer.from(key, 'base64url')).toHaveLength(32);
    expect(hash).not.toContain('correct horse');
    expect(await verifyPassword('correct horse battery', hash)).toBe(true);
    expect(await verifyPassword('correct horse batterY', hash)).toBe(false);
    expect(await hashPassword('correct horse battery')).not.toBe(hash); // salted
  });

  it('refuses malformed or hostile stored hashes instead of throwing', async () => {
    for (const stored of ['', 'plain', 'scrypt$17$8$1$$', 'scrypt$30$8$1$c2FsdHNhbHQ$a2V5', 'bcrypt$1$2$3$4$5']) {
      expect(await verifyPassword('whatever1', stored)).toBe(false);
    }
  });

  it('asks for 8 characters at least and refuses common passwords and the e-mail', () => {
    expect(passwordProblem('short1!')).toMatch(`${MIN_PASSWORD_LENGTH} characters`);
    expect(passwordProblem('z'.repeat(10))).toMatch(/repeat/);
    for (const common of ['password', 'Password1', '12345678', 'qwertyuiop', 'iloveyou']) expect(passwordProblem(common)).toMatch(/common/);
    expect(passwordProblem('ana.smith@example.com', 'ana.smith@example.com')).toMatch(/e-mail/);
    expect(passwordProblem('tangerine-orbit-42', 'ana@example.com')).toBeNull();
    for (const p of COMMON_PASSWORDS) expect(p.length).toBeGreaterThanOrEqual(8);
  });
});
