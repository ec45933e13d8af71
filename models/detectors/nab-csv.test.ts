import { describe, expect, it } from 'vitest';
import { NabCsvError, parseNabCsv, parseNabTimestamp } from './nab-csv.js';

describe('parseNabTimestamp', () => {
  it.each([
    ['2014-04-01 00:00:00', Date.UTC(2014, 3, 1)],
    ['2014-04-01 13:05:07', Date.UTC(2014, 3, 1, 13, 5, 7)],
    ['2014-04-01 13:05:07.250000', Date.UTC(2014, 3, 1, 13, 5, 7, 250)],
    ['2014-04-01T13:05:07Z', Date.UTC(2014, 3, 1, 13, 5, 7)],
    ['2014-04-01T13:05:07+02:00', Date.UTC(2014, 3, 1, 11, 5, 7)],
    ['2014-04-01 13:05', Date.UTC(2014, 3, 1, 13, 5)],
  ])('%s', (text, want) => expect(parseNabTimestamp(text)).toBe(want));

  it.each([
    '',
    'yesterday',
    '2014-02-30 00:00:00',
    '2014-13-01 00:00:00',
    '2014-04-01 24:00:00',
    '1396310400',
  ])('rejects %j', (text) => expect(parseNabTimestamp(text)).toBeNaN());
});

describe('parseNabCsv', () => {
  it('keeps timestamp and value text as written and reads gaps as NaN', () => {
    const rows = parseNabCsv(
      '\ufefftimestamp,value\r\n2014-04-01 00:00:00,1.50\r\n2014-04-01 00:05:00,\r\n2014-04-01 00:10:00,2e3\r\n\r\n',
    );
    expect(rows.map((r) => [r.timestampText, r.valueText])).toEqual([
      ['2014-04-01 00:00:00', '1.50'],
      ['2014-04-01 00:05:00', ''],
      ['2014-04-01 00:10:00', '2e3'],
    ]);
    expect(rows.map((r) => r.value)).toEqual([1.5, Number.NaN, 2000]);
  });

  it('accepts columns in another order and repeated timestamps', () => {
    const rows = parseNabCsv('value,timestamp\n3,2014-04-01 00:00:00\n4,2014-04-01 00:00:00\n');
    expect(rows.map((r) => r.value)).toEqual([3, 4]);
  });

  it.each([
    ['', /empty/],
    ['\n\n', /empty/],
    ['timestamp,value\n', /no data rows/],
    ['time,value\n2014-04-01 00:00:00,1\n', /timestamp and value/],
    ['timestamp,value\n2014-04-01 00:00:00,abc\n', /line 2: value "abc" is not a number/],
    ['timestamp,value\n2014-04-01 00:00:00,1\n2014-04-01 00:05:00,1.2.3\n', /line 3: value "1.2.3"/],
    ['timestamp,value\n2014-04-01 00:00:00,Infinity\n', /not a number/],
    ['timestamp,value\n2014-04-01 00:00:00,1e999\n', /out of range/],
    ['timestamp,value\n2014-04-01 00:00:00,1,2\n', /line 2: expected 2 fields, found 3/],
    ['timestamp,value\nsoon,1\n', /line 2: "soon" is not a timestamp/],
    [
      'timestamp,value\n2014-04-01 00:05:00,1\n2014-04-01 00:00:00,2\n',
      /line 3: .*earlier than the row before/,
    ],
  ])('rejects %j', (text, message) => {
    expect(() => parseNabCsv(text)).toThrow(NabCsvError);
    expect(() => parseNabCsv(text)).toThrow(message);
  });
});
