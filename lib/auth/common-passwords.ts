/**
 * Passwords of at least 8 characters that top the public breach lists (lower-cased); refused
 * when chosen. A short list on purpose: it stops the guesses tried first, not every weak one.
 */
export const COMMON_PASSWORDS: ReadonlySet<string> = new Set([
  '12345678', '123456789', '1234567890', '12345678910', '87654321', '11111111', '00000000', '88888888',
  '12341234', '11223344', '123123123', '123321123', '147258369', '987654321', '0987654321', '1q2w3e4r',
  '1q2w3e4r5t', '1qaz2wsx', '1qazxsw2', 'zaq12wsx', 'qwertyui', 'qwertyuiop', 'qwerty123', 'qwerty12',
  'qwerty1234', 'asdfghjk', 'asdfghjkl', 'zxcvbnm1', 'zxcvbnm123', 'password', 'password1', 'password12',
  'password123', 'password!', 'passw0rd', 'p@ssw0rd', 'p@ssword', 'pa$$word', 'passwort', 'motdepasse',
  'iloveyou', 'iloveyou1', 'iloveyou2', 'sunshine', 'princess', 'football', 'baseball', 'basketball',
  'superman', 'batman123', 'starwars', 'whatever', 'trustno1', 'letmein1', 'letmein123', 'welcome1',
  'welcome123', 'welcome!', 'admin123', 'admin1234', 'administrator', 'changeme', 'changeme123', 'default1',
  'computer', 'internet', 'michelle', 'jennifer', 'jordan23', 'liverpool', 'chelsea1', 'arsenal1',
  'master12', 'mustang1', 'shadow12', 'monkey12', 'dragon12', 'charlie1', 'michael1', 'jessica1',
  'abc12345', 'abcd1234', 'abcdefgh', 'abcdef12', 'aa123456', 'a1234567', 'a12345678', 'aaaaaaaa',
  'qqqqqqqq', 'q1w2e3r4', 'q1w2e3r4t5', '1a2b3c4d', 'asdf1234', 'zxcv1234', 'test1234', 'testtest',
  'demo1234', 'secret12', 'secret123', 'loopscope', 'loopscope1', 'loopscope123', 'letmeinnow', 'access14',
  'freedom1', 'hello123', 'hellohello', 'killer12', 'lovely12', 'qazwsx12', 'qazwsxedc', 'samsung1',
  'spiderman', 'sunshine1', 'trustme1', 'xxxxxxxx', 'youtube1', 'zaq1zaq1', '!qaz2wsx', '1234qwer',
]);
