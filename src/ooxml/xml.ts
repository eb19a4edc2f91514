/**
 * SheetJS 0.20.3's own XML helpers (xlsx.mjs), ported as they are, so that whoever reads a package part with them
 * reads it as SheetJS would: the fast reader (read/ooxml.ts) and the annotator (report/annotate.ts) alike.
 */

const ENCODINGS: Record<string, string> = { '&quot;': '"', '&apos;': "'", '&gt;': '>', '&lt;': '<', '&amp;': '&' };
const ENC = /&(?:quot|apos|gt|lt|amp|#x?([\da-fA-F]+));/gi;
const CODE = /_x([\da-fA-F]{4})_/gi;

function rawUnescape(text: string): string {
  const i = text.indexOf('<![CDATA[');
  if (i === -1) {
    if (text.indexOf('&') === -1 && text.indexOf('_x') === -1 && text.indexOf('_X') === -1) return text;
    return text
      .replace(ENC, ($$: string, $1: string) => ENCODINGS[$$] || String.fromCharCode(parseInt($1, $$.indexOf('x') > -1 ? 16 : 10)) || $$)
      .replace(CODE, (_m: string, c: string) => String.fromCharCode(parseInt(c, 16)));
  }
  const j = text.indexOf(']]>');
  return rawUnescape(text.slice(0, i)) + text.slice(i + 9, j) + rawUnescape(text.slice(j + 3));
}

export function unescapexml(text: string, xlsx = false): string {
  const out = rawUnescape(text);
  return xlsx ? out.replace(/\r\n/g, '\n') : out;
}

const ATTR = /\s([^"\s?>/]+)\s*=\s*((?:")([^"]*)(?:")|(?:')([^']*)(?:')|([^'">\s]+))/g;

/** parsexmltag(tag, skip_root = true): attribute values by (local) name, later ones winning. */
export function attributes(tag: string): Record<string, string> {
  const z: Record<string, string> = {};
  let eq = 0;
  for (; eq !== tag.length; ++eq) {
    const c = tag.charCodeAt(eq);
    if (c === 32 || c === 10 || c === 13) break;
  }
  if (eq === tag.length) return z;
  const m = tag.match(ATTR);
  if (!m) return z;
  for (const att of m) {
    const cc = att.slice(1);
    let c = 0;
    for (; c !== cc.length; ++c) if (cc.charCodeAt(c) === 61) break;
    let q = cc.slice(0, c).trim();
    while (cc.charCodeAt(c + 1) === 32) ++c;
    const e = cc.charCodeAt(c + 1);
    const quot = e === 34 || e === 39 ? 1 : 0;
    const v = cc.slice(c + 1 + quot, cc.length - quot);
    let j = 0;
    for (; j !== q.length; ++j) if (q.charCodeAt(j) === 58) break;
    if (j === q.length) {
      if (q.indexOf('_') > 0) q = q.slice(0, q.indexOf('_'));
      z[q] = v;
      z[q.toLowerCase()] = v;
    } else {
      const k = (j === 5 && q.slice(0, 5) === 'xmlns' ? 'xmlns' : '') + q.slice(j + 1);
      if (z[k] && q.slice(j - 3, j) === 'ext') continue;
      z[k] = v;
      z[k.toLowerCase()] = v;
    }
  }
  return z;
}

export const TAGS = /<[/?]?[a-zA-Z0-9:_-]+(?:\s+[^"\s?<>/]+\s*=\s*(?:"[^"]*"|'[^']*'|[^'"<>\s=]+))*\s*[/?]?>/gm;

/** Every tag of an XML text (SheetJS's tagregex), with its name as written (`<x:sheet` → `x:sheet`). */
export function* tags(xml: string): Generator<{ tag: string; name: string }> {
  for (const m of xml.match(TAGS) ?? []) {
    let e = 1;
    while (e < m.length && !/[\s/>]/.test(m.charAt(e))) e++;
    yield { tag: m, name: m.slice(1, e) };
  }
}

export const localName = (name: string) => name.replace(/^\w+:/, '');

/** The index of the last character of `close` after `from`, or -1. */
function closing(xml: string, close: string, from: number): number {
  const at = xml.indexOf(close, from);
  return at < 0 ? -1 : at + close.length - 1;
}

/**
 * Whether every markup construct of `xml` is closed: each tag reaches its `>` with no `<` before it (quotes honoured),
 * each comment, CDATA section and processing instruction its end. One pass from the start: the patterns that edit a
 * part in place scan from every `<`, and on a part with thousands of unclosed `<row ` or `<!--` that is quadratic
 * (a 600 KB sheet took half a minute). A part that fails is not edited in place.
 */
export function markupClosed(xml: string): boolean {
  const n = xml.length;
  let i = xml.indexOf('<');
  while (i >= 0) {
    let end: number;
    if (xml.startsWith('<!--', i)) end = closing(xml, '-->', i + 4);
    else if (xml.startsWith('<![CDATA[', i)) end = closing(xml, ']]>', i + 9);
    else if (xml.startsWith('<?', i)) end = closing(xml, '?>', i + 2);
    else {
      end = -1;
      let quote = 0;
      for (let j = i + 1; j < n; j++) {
        const c = xml.charCodeAt(j);
        if (quote) {
          if (c === quote) quote = 0;
          else if (c === 0x3c) return false; // `<` inside an attribute value
        } else if (c === 0x22 || c === 0x27) quote = c;
        else if (c === 0x3e) {
          end = j;
          break;
        } else if (c === 0x3c) return false;
      }
    }
    if (end < 0) return false;
    i = xml.indexOf('<', end + 1);
  }
  return true;
}
