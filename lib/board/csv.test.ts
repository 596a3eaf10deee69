import { describe, expect, it } from 'vitest';
import { csvField, parseCsv, toCsv } from './csv';

describe('csvField (RFC 4180)', () => {
  it('leaves plain fields alone and writes nothing for a missing value', () => {
    expect(csvField('metricbeat-data')).toBe('metricbeat-data');
    expect(csvField(3)).toBe('3');
    expect(csvField(-3)).toBe('-3');
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
    expect(csvField('지민')).toBe('지민');
  });

  it('quotes a field with a comma, a quote, CR or LF, doubling its quotes', () => {
    expect(csvField('Kim, Ji-min')).toBe('"Kim, Ji-min"');
    expect(csvField('The "admin"')).toBe('"The ""admin"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\r')).toBe('"cr\r"');
  });

  it('defuses spreadsheet formulas in text', () => {
    expect(csvField('=HYPERLINK("http://evil","x")')).toBe(`"'=HYPERLINK(""http://evil"",""x"")"`);
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('-x')).toBe("'-x");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('\tcmd')).toBe("'\tcmd");
  });
});

describe('toCsv / parseCsv', () => {
  it('joins records with CRLF and reads back what it wrote', () => {
    const rows = [
      ['attendee', 'checkpoint', 'state', 'time'],
      ['Kim, "JM"', 'cluster-connected', 'done', '2026-11-26T09:00:00.000Z'],
      ['multi\nline', 'ml-node', 'pending', ''],
    ];
    const text = toCsv(rows);
    expect(text).toBe(
      'attendee,checkpoint,state,time\r\n"Kim, ""JM""",cluster-connected,done,2026-11-26T09:00:00.000Z\r\n"multi\nline",ml-node,pending,\r\n',
    );
    expect(parseCsv(text)).toEqual(rows);
  });

  it('reads LF-only files and a last record without a line break', () => {
    expect(parseCsv('a,b\n1,"2,3"')).toEqual([
      ['a', 'b'],
      ['1', '2,3'],
    ]);
  });
});
