import { describe, expect, it } from 'vitest';
import { markupClosed } from '../../src/ooxml/index.js';

describe('markupClosed', () => {
  it.each([
    '<a/>',
    '<?xml version="1.0"?><worksheet a="x>y"><!-- a < b --><![CDATA[<<>>]]><c r="A1" t=\'s\'><v>1</v></c></worksheet>',
    'text only',
    '',
  ])('is true of %j', (xml) => expect(markupClosed(xml)).toBe(true));

  it.each(['<a', '<a <b>', '<a x="1>', '<a x="<">', '<!-- x', '<![CDATA[ x', '<?xml x', 'x<'])('is false of %j', (xml) => expect(markupClosed(xml)).toBe(false));

  it('goes through 200,000 unclosed tags at once', () => {
    expect(markupClosed('<row '.repeat(200_000))).toBe(false);
    expect(markupClosed(`<a>${'<b/>'.repeat(200_000)}</a>`)).toBe(true);
  });
});
