import { describe, expect, it } from 'vitest';
import { parseLoadCsv } from './load-csv.js';

describe('parseLoadCsv', () => {
  it('reads timestamps as written and the step between rows', () => {
    const t = parseLoadCsv(
      'timestamp,value\n2020-01-01 00:00:00,3\n2020-01-01 00:01:00,4.5\n2020-01-01 00:02:00,0\n',
    );
    expect(t.timestamps).toEqual(['2020-01-01 00:00:00', '2020-01-01 00:01:00', '2020-01-01 00:02:00']);
    expect(Array.from(t.values)).toEqual([3, 4.5, 0]);
    expect(t.stepMs).toBe(60_000);
  });

  it('accepts ISO timestamps with a zone and CRLF line ends', () => {
    const t = parseLoadCsv('timestamp,value\r\n2020-01-01T00:00:00Z,1\r\n2020-01-01T01:00:00Z,2\r\n');
    expect(t.stepMs).toBe(3_600_000);
  });

  it.each([
    {
      name: 'wrong header',
      text: 'time,load\n2020-01-01 00:00:00,1\n',
      want: /x.csv:1: expected the header "timestamp,value"/,
    },
    {
      name: 'non-numeric value',
      text: 'timestamp,value\n2020-01-01 00:00:00,1\n2020-01-01 00:01:00,abc\n',
      want: /x.csv:3: value must be a non-negative number, got "abc"/,
    },
    {
      name: 'negative value',
      text: 'timestamp,value\n2020-01-01 00:00:00,-1\n2020-01-01 00:01:00,1\n',
      want: /x.csv:2: value must be/,
    },
    {
      name: 'empty value',
      text: 'timestamp,value\n2020-01-01 00:00:00,\n2020-01-01 00:01:00,1\n',
      want: /x.csv:2: value must be/,
    },
    {
      name: 'bad timestamp',
      text: 'timestamp,value\nyesterday,1\n2020-01-01 00:01:00,1\n',
      want: /x.csv:2: cannot read the timestamp "yesterday"/,
    },
    {
      name: 'extra column',
      text: 'timestamp,value\n2020-01-01 00:00:00,1,2\n',
      want: /x.csv:2: expected 2 columns/,
    },
    {
      name: 'a gap',
      text: 'timestamp,value\n2020-01-01 00:00:00,1\n2020-01-01 00:01:00,1\n2020-01-01 00:03:00,1\n',
      want: /x.csv:4: rows must be evenly spaced and sorted: 120 s after the previous row, expected 60 s/,
    },
    {
      name: 'unsorted',
      text: 'timestamp,value\n2020-01-01 00:01:00,1\n2020-01-01 00:00:00,1\n',
      want: /timestamps must increase/,
    },
    {
      name: 'one row',
      text: 'timestamp,value\n2020-01-01 00:00:00,1\n',
      want: /needs at least 2 rows, got 1/,
    },
    { name: 'empty file', text: '', want: /expected the header/ },
  ])('rejects $name with the line', ({ text, want }) => {
    expect(() => parseLoadCsv(text, 'x.csv')).toThrow(want);
  });
});
