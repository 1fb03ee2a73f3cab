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
