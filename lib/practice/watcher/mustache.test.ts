import { describe, expect, it } from 'vitest';
import { JavaDate } from '../script/painless';
import { renderJsonTemplate, renderTemplate } from './mustache';

const hits = [
  { _index: 'filebeat-x', _id: 'a', _score: null, _source: { message: 'Invalid user foo from 203.0.113.10' }, sort: [1] },
  { _index: 'filebeat-x', _id: 'b', _score: null, _source: { message: 'say "hi" & <bye>' }, sort: [2] },
];
const model = { ctx: { metadata: { name: 'HighCPU' }, payload: { hits: { total: 2, hits }, list: ['a', 'b'], zero: 0, empty: [], avg: 0.5, tiny: 1e-5 }, trigger: { scheduled_time: new JavaDate(Date.UTC(2024, 4, 1, 10, 5)) } } };

describe('mustache as Watcher renders it', () => {
  it('sections over lists, dotted list indexes, {{.}} and no HTML escaping in text', () => {
    expect(renderTemplate('{{#ctx.payload.hits.hits}}{{_source.message}}\n{{/ctx.payload.hits.hits}}', model)).toBe('Invalid user foo from 203.0.113.10\nsay "hi" & <bye>\n');
    expect(renderTemplate('{{ctx.payload.hits.hits.1._id}} {{#ctx.payload.list}}[{{.}}]{{/ctx.payload.list}}', model)).toBe('b [a][b]');
    expect(renderTemplate('Watch [{{ctx.metadata.name}}] {{ctx.missing.value}}.', model)).toBe('Watch [HighCPU] .');
  });
  it("prints non-scalars with Java's toString (the handout's body)", () => {
    expect(renderTemplate('{{ctx.payload.hits.hits}}{{_id}}', model)).toBe('[{_index=filebeat-x, _source={message=Invalid user foo from 203.0.113.10}, _id=a, sort=[1], _score=null}, {_index=filebeat-x, _source={message=say "hi" & <bye>}, _id=b, sort=[2], _score=null}]');
    expect(renderTemplate('{{ctx.payload.avg}} {{ctx.payload.tiny}} {{ctx.trigger.scheduled_time}} {{{ctx.payload.list}}}', model)).toBe('0.5 1.0E-5 2024-05-01T10:05Z [a, b]');
  });
  it('Java truthiness: 0 renders a section, an empty list does not', () => {
    expect(renderTemplate('{{#ctx.payload.zero}}zero{{/ctx.payload.zero}}{{^ctx.payload.empty}}none{{/ctx.payload.empty}}{{^ctx.payload.zero}}x{{/ctx.payload.zero}}', model)).toBe('zeronone');
  });
  it('toJson, join (with a delimiter) and url', () => {
    expect(renderTemplate('{{#toJson}}ctx.payload.list{{/toJson}} {{#join}}ctx.payload.list{{/join}} {{#join delimiter=" | "}}ctx.payload.list{{/join delimiter=" | "}} {{#url}}a b&c{{/url}}', model)).toBe('["a","b"] a,b a | b a%20b%26c');
  });
  it('JSON escaping for search bodies and the __json__:: prefix', () => {
    expect(renderJsonTemplate({ q: '{{ctx.payload.hits.hits.1._source.message}}', gte: '{{ctx.trigger.scheduled_time}}||-5m' }, model)).toEqual({ q: 'say "hi" & <bye>', gte: '2024-05-01T10:05Z||-5m' });
    expect(renderTemplate('__json__::{{ctx.payload.hits.hits.1._source.message}}', model)).toBe('say \\"hi\\" & <bye>');
  });
});
