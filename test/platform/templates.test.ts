// The template renderer (services/platform/templates.ts): every template in views/ names the
// locals it reads, included templates see their caller's locals plus their own data, values are escaped.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { escapeHtml, renderTemplate, viewsDir } from '../../services/platform/templates.ts';
import { undeclaredNames } from '../helpers/template-names.ts';

const templates = (readdirSync(viewsDir, { recursive: true }) as string[]).filter((name) => name.endsWith('.ejs')).map((name) => join(viewsDir, name));

test('every template in views/ declares each name it reads (first line: const { … } = locals)', () => {
  assert.ok(templates.length > 100, `found ${templates.length} templates`);
  const undeclared = [...undeclaredNames(templates)].filter(([, names]) => names.length > 0);
  assert.equal(undeclared.map(([file, names]) => `${file.slice(viewsDir.length)}: ${names.join(', ')}`), []);
});

test('<%- (unescaped output) is used for include() only', () => {
  const unescaped = templates.flatMap((file) =>
    readFileSync(file, 'utf8').split('\n').flatMap((line, i) => (/<%-(?!\s*include\()/.test(line) ? [`${file.slice(viewsDir.length)}:${i + 1}`] : [])),
  );
  assert.equal(unescaped, []);
});

test('an included template reads its caller’s locals and its own data; the caller’s locals stay as they were', () => {
  const dir = mkdtempSync(join(tmpdir(), 'svet-templates-'));
  try {
    writeFileSync(join(dir, 'page.ejs'), "<% const { title } = locals; -%>\n<%= title %>|<%- include('_item', { item: 'a<b' }) %>|<%- include('_item', { item: 'c' }) %>|<%= locals.item ?? 'none' %>");
    writeFileSync(join(dir, '_item.ejs'), '<% const { item, title } = locals; -%>\n[<%= title %>:<%= item %>]');
    const html = renderTemplate(join(dir, 'page.ejs'), { title: 'Т&' });
    assert.is(html, 'Т&amp;|[Т&amp;:a&lt;b]|[Т&amp;:c]|none');
    assert.is(renderTemplate(join(dir, 'page.ejs'), { title: 'Т&' }, { cache: true, text: true }), 'Т&|[Т&:a<b]|[Т&:c]|none', 'text: no escaping');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a name the template did not declare is an error naming the template, not an empty value', () => {
  const dir = mkdtempSync(join(tmpdir(), 'svet-templates-'));
  try {
    writeFileSync(join(dir, 'bad.ejs'), 'line one\n<%= missing %>');
    assert.throws(() => renderTemplate(join(dir, 'bad.ejs'), { missing: 'x' }), (error: Error) => /missing is not defined/.test(error.message) && /bad\.ejs:2/.test(error.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('escaping: the five HTML characters, null and undefined as nothing, numbers as text', () => {
  assert.is(escapeHtml(`<a href="x" title='y'>&</a>`), '&lt;a href=&#34;x&#34; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  assert.is(escapeHtml(null), '');
  assert.is(escapeHtml(undefined), '');
  assert.is(escapeHtml(1234), '1234');
  assert.is(escapeHtml('Задолженности нет'), 'Задолженности нет');
});

test.run();
