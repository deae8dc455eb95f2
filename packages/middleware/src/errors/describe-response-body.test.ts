import { describe, expect, it } from 'vitest';
import { bodyExcerpt, describeResponseBody } from './describe-response-body';

describe('bodyExcerpt', () => {
  it('drops tags, comments and script/style/head blocks; decodes entities; collapses whitespace', () => {
    const html =
      '<html><head><title>x</title></head><body><!-- note --><script>var a = "<b>";</script>' +
      '<style>p{}</style><h1>502&nbsp;Bad&nbsp;Gateway</h1>\n\n<p>a &lt;b&gt; &amp;amp; &quot;c&quot; &#39;d&#39;</p></body></html>';
    expect(bodyExcerpt(html)).toBe(`502 Bad Gateway a <b> &amp; "c" 'd'`);
  });

  it('unclosed comments, tags and blocks hide the rest; a lone "<" is text', () => {
    expect(bodyExcerpt('before <!-- never closed')).toBe('before');
    expect(bodyExcerpt('before <script> x = 1')).toBe('before');
    expect(bodyExcerpt('before <div never closed')).toBe('before');
    expect(bodyExcerpt('1 < 2 and 3 <= 4')).toBe('1 < 2 and 3 <= 4');
  });

  it('cuts to the length asked for', () => {
    expect(bodyExcerpt('x'.repeat(500), 10)).toBe(`${'x'.repeat(10)}…`);
  });
});

describe('describeResponseBody', () => {
  it('says what came back', () => {
    expect(describeResponseBody(undefined)).toBe('empty response body');
    expect(describeResponseBody(' \n ')).toBe('empty response body');
    expect(describeResponseBody('<h1>down</h1>')).toBe('HTML response: "down"');
    expect(describeResponseBody('<html></html>')).toBe('HTML response without text');
    expect(describeResponseBody('{"a":1}')).toBe('JSON response: {"a":1}');
    expect(describeResponseBody('{"a":')).toBe('truncated or invalid JSON: {"a":');
    expect(describeResponseBody('upstream reset')).toBe('plain text response: "upstream reset"');
  });

  it('marks an excerpt of a body longer than what is scanned as cut', () => {
    const body = `${' '.repeat(10)}<p>${'a '.repeat(20)}</p>${'<i></i>'.repeat(20_000)}`;
    expect(describeResponseBody(body)).toBe(`HTML response: "${'a '.repeat(20).trim()}…"`);
  });

  it('removes the key before cutting, so that no part of it shows', () => {
    const key = 'secret-key-0123456789';
    const body = `${'x'.repeat(195)}${key}`;
    const text = describeResponseBody(body, { apiKey: key });
    expect(text).not.toContain('secret-k');
    expect(text).toContain('x'.repeat(195));
  });
});
