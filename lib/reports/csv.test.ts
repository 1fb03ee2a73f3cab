import { describe, expect, it } from 'vitest';
import { csvCell, csvLine } from './csv';

describe('CSV cells', () => {
  it('neutralises every character that can start a spreadsheet formula', () => {
    for (const start of ['=', '+', '-', '@', '\t', '\r', '\0']) {
      const cell = csvCell(`${start}HYPERLINK("http://evil.example")`);
      const unquoted = cell.startsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell;
      expect(unquoted.startsWith(`'${start}`), JSON.stringify(start)).toBe(true);
    }
  });

  it('neutralises a formula behind leading whitespace or control characters, and any leading control character', () => {
    const leads = ['\n', ' ', '  ', '\t ', '\r\n', '\u00a0', '\u200b', '\ufeff', '\u2028', '\u000b', '\u001f', '\u0085'];
    for (const lead of leads) {
      for (const start of ['=', '+', '-', '@']) {
        const text = `${lead}${start}HYPERLINK("http://evil.example")`;
        const cell = csvCell(text);
        const unquoted = cell.startsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell;
        expect(unquoted, JSON.stringify(text)).toBe(`'${text}`);
      }
    }
    for (const control of ['\n', '\u0001', '\u001b', '\u007f']) expect(csvCell(`${control}x`).replace(/^"/, '').startsWith("'"), JSON.stringify(control)).toBe(true);
    // Whitespace before ordinary text is left alone.
    expect(csvCell(' payments')).toBe(' payments');
    expect(csvCell('a = b')).toBe('a = b');
  });

  it('leaves numbers (negative ones too) and harmless text alone, and quotes separators', () => {
    expect(csvCell(-1.5)).toBe('-1.5');
    expect(csvCell(0)).toBe('0');
    expect(csvCell(null)).toBe('');
    expect(csvCell('payments')).toBe('payments');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvLine(['=1+1', 2, 'x'])).toBe("'=1+1,2,x\r\n");
  });
});
