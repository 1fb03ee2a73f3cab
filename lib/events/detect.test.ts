import { describe, it, expect } from 'vitest';
import { detectFormat } from './detect';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('detectFormat', () => {
  it('goes by the content type first, ignoring parameters and case', () => {
    expect(detectFormat({ contentType: 'application/x-ndjson' })).toBe('ndjson');
    expect(detectFormat({ contentType: 'application/jsonl; charset=utf-8' })).toBe('ndjson');
    expect(detectFormat({ contentType: 'Application/JSON ; charset=UTF-8' })).toBe('json');
    expect(detectFormat({ contentType: 'text/csv;header=present' })).toBe('csv');
    // The content type wins over the file name and the bytes.
    expect(detectFormat({ contentType: 'text/csv', filename: 'x.json', firstBytes: bytes('[') })).toBe('csv');
  });

  it('then by the file extension', () => {
    expect(detectFormat({ filename: 'events.ndjson' })).toBe('ndjson');
    expect(detectFormat({ filename: 'events.JSONL' })).toBe('ndjson');
    expect(detectFormat({ filename: 'dir.v2/events.json' })).toBe('json');
    expect(detectFormat({ filename: 'events.csv' })).toBe('csv');
    // An unhelpful content type falls through to the name.
    expect(detectFormat({ contentType: 'application/octet-stream', filename: 'e.csv' })).toBe('csv');
    expect(detectFormat({ contentType: 'multipart/form-data; boundary=x', filename: 'e.jsonl' })).toBe('ndjson');
  });

  it('then by the first bytes', () => {
    expect(detectFormat({ firstBytes: bytes('\uFEFF \r\n\t[{"id":1}]') })).toBe('json');
    expect(detectFormat({ firstBytes: bytes('\n\n{"id":"a"}\n') })).toBe('ndjson');
    expect(detectFormat({ filename: 'upload.txt', firstBytes: bytes('{"id":"a"}') })).toBe('ndjson');
    expect(detectFormat({ firstBytes: bytes('\uFEFFid,type,ts,team\r\na,iteration,0,acme\r\n') })).toBe('csv');
    expect(detectFormat({ firstBytes: bytes('"ts", "type" ,"id"\n') })).toBe('csv');
    // A header cut short by the sniffing window still counts.
    expect(detectFormat({ firstBytes: bytes('team,id,type,ts,ru') })).toBe('csv');
  });

  it('returns null when nothing tells', () => {
    expect(detectFormat({})).toBeNull();
    expect(detectFormat({ contentType: 'text/plain', filename: 'events.txt' })).toBeNull();
    expect(detectFormat({ contentType: null, filename: null, firstBytes: bytes('') })).toBeNull();
    expect(detectFormat({ firstBytes: bytes('  \n\uFEFF') })).toBeNull();
    expect(detectFormat({ firstBytes: bytes('name,value\nid,type\n') })).toBeNull();
    expect(detectFormat({ firstBytes: bytes('hello world') })).toBeNull();
    expect(detectFormat({ filename: 'no-extension' })).toBeNull();
  });
});
