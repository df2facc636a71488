// Центр поддержки: requests with attachments checked by content, the conversation, operators'
// queue and answers (with a letter to the customer), and each bad input of issue 7 that belongs here.
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { generateHOTP } from '@oslojs/otp';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { seedAccount, seedTariffs, seedUser } from '../helpers/fixtures.ts';
import { createClient, type Client } from '../helpers/http.ts';
import { fakeExe, postMultipart, tinyPdf, tinyPng } from '../helpers/multipart.ts';

type World = { app: TestApp; operator: Client };
const test = suite<World>('support');

test.before(async (world) => {
  world.app = await startTestApp({ smtp: true });
  seedTariffs(world.app.db);
  const created = await world.app.services.operators.create({ login: 'petrova', name: 'Петрова Анна' });
  const key = decodeBase32IgnorePadding(new URL(created.totpUri).searchParams.get('secret')!);
  world.operator = createClient(world.app.baseUrl);
  const code = generateHOTP(key, BigInt(Math.floor(world.app.clock.now() / 1000 / 30)), 6);
  assert.is((await world.operator.post('/ops/login', { login: 'petrova', password: created.password, code })).status, 303);
});
test.after(async ({ app }) => app.close());

async function customer(app: TestApp, address?: string) {
  const account = seedAccount(app.db, { address });
  const { userId, linkId } = await seedUser(app.db, account.id, { password: 'correct-horse-1' });
  const client = createClient(app.baseUrl);
  assert.is((await client.post('/login', { accountNumber: account.number, password: 'correct-horse-1' })).status, 303);
  return { account, userId, linkId, client, home: `/a/${linkId}`, email: `user${account.id}@example.ru` };
}

type Me = Awaited<ReturnType<typeof customer>>;

function fileRequest(app: TestApp, me: Me, fields: Record<string, string> = {}, files: Parameters<typeof postMultipart>[4] = []) {
  return postMultipart(me.client, app.baseUrl, `${me.home}/support/new`, { topic: 'Начисления и счёт', account: String(me.linkId), text: 'Почему счёт вырос?', ...fields }, files);
}

const count = (app: TestApp, table: string) => (app.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

function storedFiles(app: TestApp): string[] {
  const root = app.services.uploads.root;
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

test('a customer files a request with a photo and a PDF; they are stored outside static/ under random names', async ({ app }) => {
  const me = await customer(app);
  const page = await fileRequest(app, me, {}, [
    { name: 'Счёт за октябрь.png', content: tinyPng, type: 'image/png' },
    { name: 'квитанция.pdf', content: tinyPdf, type: 'application/pdf' },
  ]);
  assert.is(page.status, 303, page.$('.error-summary').text());
  const shown = await me.client.follow(page);
  assert.ok(shown.$('#notice').text().includes('Обращение отправлено'));
  assert.is(shown.$('#request-status').text(), 'новое');
  const links = shown.$('[data-attachment]');
  assert.is(links.length, 2);
  assert.is(links.first().text(), 'Счёт за октябрь.png');

  const rows = app.db.prepare('SELECT stored_name, original_name, content_type, size_bytes FROM support_attachments ORDER BY id').all() as { stored_name: string; original_name: string; content_type: string }[];
  assert.equal(rows.map((r) => r.content_type), ['image/png', 'application/pdf']);
  for (const row of rows) assert.match(row.stored_name, /^[0-9a-f]{32}$/);
  const files = storedFiles(app);
  assert.is(files.length, 2);
  assert.not.ok(resolve(app.services.uploads.root).startsWith(resolve('static')), 'not under static/');

  const download = await me.client.get(links.first().attr('href')!);
  assert.is(download.status, 200);
  assert.match(download.headers.get('content-disposition')!, /^attachment;/);
  assert.ok(download.headers.get('content-disposition')!.includes("filename*=UTF-8''%D0%A1%D1%87%D1%91%D1%82"));
  assert.is(download.headers.get('x-content-type-options'), 'nosniff');
  assert.is(download.headers.get('content-security-policy'), "default-src 'none'; sandbox");
  assert.is(download.headers.get('content-type'), 'image/png');
  const bytes = Buffer.from(await (await fetch(new URL(links.first().attr('href')!, app.baseUrl), { headers: { cookie: [...me.client.jar].map(([k, v]) => `${k}=${v}`).join('; ') } })).arrayBuffer());
  assert.ok(bytes.equals(tinyPng));

  const list = await me.client.get(`${me.home}/support`);
  assert.is(list.$('#request-list li').length, 1);
  assert.ok(list.$('#request-list li').text().includes('новое'));
});

test('attachments that are HTML, SVG or an executable renamed .pdf are refused by their content', async ({ app }) => {
  const me = await customer(app);
  const before = [count(app, 'support_requests'), storedFiles(app).length];
  const cases = [
    { name: 'page.html', content: '<!doctype html><script>alert(1)</script>', type: 'text/html' },
    { name: 'picture.svg', content: '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', type: 'image/svg+xml' },
    { name: 'invoice.pdf', content: fakeExe, type: 'application/pdf' },
    { name: 'photo.png', content: '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', type: 'image/png' },
  ];
  for (const file of cases) {
    const page = await fileRequest(app, me, { text: 'Смотрите вложение' }, [file]);
    assert.is(page.status, 422, file.name);
    assert.ok(page.$('#files-error').text().includes('не изображение и не PDF'), file.name);
    assert.is(page.$('#text').text(), 'Смотрите вложение', 'the text is kept');
  }
  assert.equal([count(app, 'support_requests'), storedFiles(app).length], before, 'nothing stored');
});

test('a 50 MB file and a sixth file are refused with a message, nothing stored', async ({ app }) => {
  const me = await customer(app);
  const before = [count(app, 'support_requests'), storedFiles(app).length];
  const big = Buffer.alloc(50 * 1024 * 1024, 0);
  tinyPdf.copy(big);
  const huge = await fileRequest(app, me, {}, [{ name: 'scan.pdf', content: big, type: 'application/pdf' }]);
  assert.is(huge.status, 422);
  assert.ok(huge.$('#files-error').text().includes('больше 10 МБ'));
  assert.is(huge.$('#text').text(), 'Почему счёт вырос?');
  const six = await fileRequest(app, me, {}, Array.from({ length: 6 }, (_, i) => ({ name: `p${i}.png`, content: tinyPng, type: 'image/png' })));
  assert.is(six.status, 422);
  assert.ok(six.$('#files-error').text().includes('не больше 5 файлов'));
  assert.equal([count(app, 'support_requests'), storedFiles(app).length], before);
  const five = await fileRequest(app, me, {}, Array.from({ length: 5 }, (_, i) => ({ name: `p${i}.png`, content: tinyPng, type: 'image/png' })));
  assert.is(five.status, 303, 'five files are fine');
});

test('file names with ../ or a null byte are cut to a plain name', async ({ app }) => {
  const me = await customer(app);
  const page = await fileRequest(app, me, {}, [
    { name: '../../etc/passwd.png', content: tinyPng, type: 'image/png' },
    { name: '..\\..\\windows\\win.ini.pdf', content: tinyPdf, type: 'application/pdf' },
    { name: `${'я'.repeat(300)}.pdf`, content: tinyPdf, type: 'application/pdf' },
  ]);
  assert.is(page.status, 303, app.errors.map((e) => String((e as Error).stack)).join('\n'));
  const names = (app.db.prepare('SELECT original_name FROM support_attachments ORDER BY id DESC LIMIT 3').all() as { original_name: string }[]).map((r) => r.original_name).reverse();
  assert.is(names[0], 'passwd.png');
  assert.is(names[1], 'win.ini.pdf');
  assert.is([...names[2]].length, 100);
  assert.ok(names[2].endsWith('.pdf'));
  for (const file of storedFiles(app)) assert.ok(file.startsWith(app.services.uploads.root), 'every file inside the uploads dir');

  // A null byte: encoded (RFC 5987) it reaches the app and is dropped; raw, the body is refused with a message.
  const boundary = 'svetboundary';
  const csrf = me.client.jar.get('svet_csrf')!;
  const part = (headers: string, body: string | Buffer) => Buffer.concat([Buffer.from(`--${boundary}\r\n${headers}\r\n\r\n`), Buffer.from(body), Buffer.from('\r\n')]);
  const raw = (fileHeader: string) =>
    Buffer.concat([
      part('Content-Disposition: form-data; name="_csrf"', csrf),
      part('Content-Disposition: form-data; name="topic"', 'Оплата'),
      part('Content-Disposition: form-data; name="account"', String(me.linkId)),
      part('Content-Disposition: form-data; name="text"', 'Файл с нулевым байтом'),
      part(`Content-Disposition: form-data; name="files"; ${fileHeader}\r\nContent-Type: application/pdf`, tinyPdf),
      Buffer.from(`--${boundary}--\r\n`),
    ]);
  const send = (body: Buffer) =>
    fetch(new URL(`${me.home}/support/new`, app.baseUrl), {
      method: 'POST',
      body: new Uint8Array(body),
      redirect: 'manual',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, cookie: [...me.client.jar].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
  const encoded = await send(raw(`filename*=UTF-8''evil%00.html%2F..%2Fx.pdf`));
  assert.is(encoded.status, 303);
  const last = app.db.prepare('SELECT original_name FROM support_attachments ORDER BY id DESC LIMIT 1').get() as { original_name: string };
  assert.is(last.original_name, 'x.pdf');
  const before = count(app, 'support_attachments');
  const rawNull = await send(raw('filename="evil\u0000.pdf"'));
  assert.is(rawNull.status, 422);
  assert.ok((await rawNull.text()).includes('Не удалось прочитать файлы'));
  assert.is(count(app, 'support_attachments'), before);
  assert.equal(app.errors, []);
});

test('a text of 100,000 characters is refused; <script> is kept and shown escaped', async ({ app }) => {
  const me = await customer(app);
  const long = await fileRequest(app, me, { text: 'э'.repeat(100_000) });
  assert.is(long.status, 422);
  assert.ok(long.$('#text-error').text().includes('не длиннее 5000 символов'));
  const empty = await fileRequest(app, me, { text: '  ', topic: 'Что-то своё' });
  assert.is(empty.status, 422);
  assert.ok(empty.$('#topic-error').length === 1 && empty.$('#text-error').length === 1);

  const script = await fileRequest(app, me, { text: '<script>alert("x")</script> счётчик' });
  assert.is(script.status, 303);
  const page = await me.client.get(script.location!);
  assert.ok(page.text.includes('&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;'));
  assert.is(page.$('.message-body script').length, 0);
});

test("another customer's request and attachment are 404, also through one's own link", async ({ app }) => {
  const owner = await customer(app);
  const filed = await fileRequest(app, owner, {}, [{ name: 'a.png', content: tinyPng, type: 'image/png' }]);
  const requestId = /support\/(\d+)/.exec(filed.location!)![1];
  const fileId = (app.db.prepare('SELECT id FROM support_attachments WHERE request_id = ?').get(requestId) as { id: number }).id;
  const intruder = await customer(app);
  for (const path of [`/support/${requestId}`, `/support/${requestId}/files/${fileId}`, `/support/9999999/files/${fileId}`, '/support/abc']) {
    assert.is((await intruder.client.get(`${intruder.home}${path}`)).status, 404, path);
  }
  const reply = await postMultipart(intruder.client, app.baseUrl, `${intruder.home}/support/${requestId}/reply`, { text: 'чужое' });
  assert.is(reply.status, 404);
  assert.is((await intruder.client.post(`${intruder.home}/support/${requestId}/close`, {})).status, 404);
  assert.is((app.db.prepare('SELECT status FROM support_requests WHERE id = ?').get(requestId) as { status: string }).status, 'new');
  // The file of one request is not reachable under another request of the same owner.
  const second = await fileRequest(app, owner);
  const secondId = /support\/(\d+)/.exec(second.location!)![1];
  assert.is((await owner.client.get(`${owner.home}/support/${secondId}/files/${fileId}`)).status, 404);
});

test('operators: queue newest first, answer with a file (the customer gets a letter), status; all audited', async ({ app, operator }) => {
  const me = await customer(app, 'г. Калуга, ул. Операторская, д. 7');
  const first = await fileRequest(app, me, { topic: 'Оплата', text: 'Первое' });
  app.clock.advance(60);
  const second = await fileRequest(app, me, { topic: 'Оплата', text: 'Второе' });
  const firstId = Number(/support\/(\d+)/.exec(first.location!)![1]);
  const secondId = Number(/support\/(\d+)/.exec(second.location!)![1]);

  const queue = await operator.get('/ops/requests');
  assert.is(queue.status, 200);
  const order = queue.$('#request-queue li').map((_, el) => Number(queue.$(el).attr('data-request'))).get();
  assert.ok(order.indexOf(secondId) < order.indexOf(firstId), 'the newer first');

  const opened = await operator.get(`/ops/requests/${firstId}`);
  assert.is(opened.status, 200);
  assert.ok(opened.$('#conversation').text().includes('Первое'));
  const empty = await postMultipart(operator, app.baseUrl, `/ops/requests/${firstId}/answer`, { text: '' });
  assert.is(empty.status, 422);
  const bad = await postMultipart(operator, app.baseUrl, `/ops/requests/${firstId}/answer`, { text: 'См. файл' }, [{ name: 'x.svg', content: '<svg/>', type: 'image/svg+xml' }]);
  assert.is(bad.status, 422);
  const answered = await postMultipart(operator, app.baseUrl, `/ops/requests/${firstId}/answer`, { text: 'Счёт пересчитан, см. справку.' }, [{ name: 'справка.pdf', content: tinyPdf, type: 'application/pdf' }]);
  assert.is(answered.status, 303);
  const letter = await app.smtp!.waitFor(me.email);
  assert.ok(letter.subject!.includes(`№ ${firstId}`));
  assert.ok(letter.text!.includes(`${app.baseUrl}${me.home}/support/${firstId}`));

  const seen = await me.client.get(`${me.home}/support/${firstId}`);
  assert.is(seen.$('#request-status').text(), 'ответ дан');
  assert.ok(seen.$('.message-operator').text().includes('Счёт пересчитан'));
  const answerFile = seen.$('.message-operator [data-attachment]');
  assert.is(answerFile.text(), 'справка.pdf');
  assert.is((await me.client.get(answerFile.attr('href')!)).status, 200, 'the customer downloads the answer file');
  const opsFile = await operator.get(`/ops/requests/${firstId}/files/${answerFile.attr('data-attachment')}`);
  assert.is(opsFile.status, 200);
  assert.match(opsFile.headers.get('content-disposition')!, /^attachment;/);

  // The customer replies: the request is new again; then closes it.
  const reply = await postMultipart(me.client, app.baseUrl, `${me.home}/support/${firstId}/reply`, { text: 'Спасибо, а за сентябрь?' }, [{ name: 'фото.png', content: tinyPng, type: 'image/png' }]);
  assert.is(reply.status, 303);
  assert.is((app.db.prepare('SELECT status FROM support_requests WHERE id = ?').get(firstId) as { status: string }).status, 'new');
  const status = await operator.post(`/ops/requests/${secondId}/status`, { status: 'in_progress' });
  assert.is(status.status, 303);
  const inWork = await operator.get('/ops/requests?status=in_progress');
  assert.equal(inWork.$('#request-queue li').map((_, el) => Number(inWork.$(el).attr('data-request'))).get(), [secondId]);
  assert.is((await operator.post(`/ops/requests/${secondId}/status`, { status: 'bogus' })).status, 422);
  const closed = await me.client.post(`${me.home}/support/${firstId}/close`, {});
  assert.is(closed.status, 303);
  assert.is((app.db.prepare('SELECT status FROM support_requests WHERE id = ?').get(firstId) as { status: string }).status, 'closed');

  const events = (app.db.prepare('SELECT event FROM audit_log WHERE operator_id IS NOT NULL').all() as { event: string }[]).map((e) => e.event);
  for (const event of ['operator.support_view', 'operator.support_answer', 'operator.support_status', 'operator.support_file']) assert.ok(events.includes(event), event);
});

test('operators find an account by number or address and see it read-only', async ({ app, operator }) => {
  const me = await customer(app, 'г. Обнинск, пр. Ленина, д. 99, кв. 3');
  const byNumber = await operator.get(`/ops/accounts?q=${me.account.number}`);
  assert.is(byNumber.$('#hits li').length, 1);
  const byAddress = await operator.get(`/ops/accounts?q=${encodeURIComponent('Обнинск, пр. Ленина')}`);
  assert.is(byAddress.$('#hits li').length, 1);
  const tricky = await operator.get(`/ops/accounts?q=${encodeURIComponent('%_')}`);
  assert.is(tricky.$('#hits li').length, 0, 'LIKE wildcards are literal');
  const view = await operator.get(byAddress.$('#hits a').attr('href')!);
  assert.is(view.status, 200);
  assert.ok(view.$('#info-address').text().includes('Обнинск'));
  assert.ok(view.$('#balance').length === 1);
  assert.is(view.$('form[method="post"]').length, 1, 'only the logout form: read-only');
  assert.is((await operator.get('/ops/accounts/99999999')).status, 404);
  const events = (app.db.prepare('SELECT event FROM audit_log WHERE operator_id IS NOT NULL').all() as { event: string }[]).map((e) => e.event);
  assert.ok(events.includes('operator.account_search') && events.includes('operator.account_view'));
});

test('operator pages opened by a customer send them to the operators’ login', async ({ app }) => {
  const me = await customer(app);
  const filed = await fileRequest(app, me);
  const id = /support\/(\d+)/.exec(filed.location!)![1];
  for (const path of ['/ops/requests', `/ops/requests/${id}`, '/ops/accounts', `/ops/accounts/${me.account.id}`]) {
    const page = await me.client.get(path);
    assert.is(page.status, 303, path);
    assert.is(page.location, '/ops/login');
  }
  const answer = await postMultipart(me.client, app.baseUrl, `/ops/requests/${id}/answer`, { text: 'я оператор' });
  assert.ok(answer.status === 303 || answer.status === 403, `got ${answer.status}`);
  assert.is((await me.client.post(`/ops/requests/${id}/status`, { status: 'closed' })).location, '/ops/login');
  assert.is((app.db.prepare("SELECT count(*) AS n FROM support_messages WHERE author = 'operator' AND request_id = ?").get(id) as { n: number }).n, 0);
});

test('Контакты: the phones from config as tel: links, hours, address and site', async ({ app }) => {
  const me = await customer(app);
  const page = await me.client.get(`${me.home}/support`);
  const phones = page.$('#contacts a[href^="tel:"]');
  assert.equal(phones.map((_, el) => page.$(el).attr('href')).get(), ['tel:+78006000990', 'tel:+74842701838']);
  assert.ok(phones.first().text().includes('Позвонить'));
  assert.ok(page.$('#contacts').text().includes('Пн–Пт 8:00–20:00'));
  assert.ok(page.$('#company-address').text().includes('Калуга'));
  assert.is(page.$('#company-site').attr('href'), 'https://kskkaluga.ru');
});

test('closing the cabinet deletes the requests and their files', async ({ app }) => {
  const me = await customer(app);
  await fileRequest(app, me, {}, [{ name: 'a.png', content: tinyPng, type: 'image/png' }]);
  const stored = (app.db.prepare('SELECT t.stored_name FROM support_attachments t JOIN support_requests r ON r.id = t.request_id WHERE r.user_id = ?').get(me.userId) as { stored_name: string }).stored_name;
  const path = app.services.uploads.pathOf(stored);
  assert.ok(statSync(path).size > 0 && readFileSync(path).equals(tinyPng));
  const closed = await me.client.post(`${me.home}/settings/remove`, { password: 'correct-horse-1' });
  assert.is(closed.status, 200);
  assert.not.ok(existsSync(path));
  assert.is((app.db.prepare('SELECT count(*) AS n FROM support_requests WHERE user_id = ?').get(me.userId) as { n: number }).n, 0);
});

test('operators: the queue shows 100 a page newest first, filters by status with links, pages by links both ways', async ({ app, operator }) => {
  const me = await customer(app, 'г. Калуга, ул. Очередная, д. 1');
  const insert = app.db.prepare("INSERT INTO support_requests (user_id, account_id, topic, status, created_at, updated_at) VALUES (?, ?, 'Оплата', ?, 1790000000, 1790000000)");
  const ids: number[] = [];
  app.db.transaction(() => {
    for (let i = 0; i < 250; i++) ids.push(Number(insert.run(me.userId, me.account.id, i % 5 === 0 ? 'closed' : 'new').lastInsertRowid));
  })();
  const listed = (page: Awaited<ReturnType<Client['get']>>) => page.$('#request-queue li').map((_, el) => Number(page.$(el).attr('data-request'))).get();
  const closedIds = ids.filter((_, i) => i % 5 === 0).reverse();

  // «Закрыто»: 50 of them, newest first, one page.
  const closedLink = (await operator.get('/ops/requests')).$('#queue-filters a[data-filter="closed"]').attr('href')!;
  const closed = await operator.get(closedLink);
  assert.equal(listed(closed), app.db.prepare("SELECT id FROM support_requests WHERE status = 'closed' ORDER BY id DESC").pluck().all());
  assert.ok(listed(closed).slice(0, 50).every((id, i) => id === closedIds[i]));
  assert.is(closed.$('#queue-pager').length, 0, 'one page, no pager');
  assert.is(closed.$('#queue-filters [aria-current="page"]').text(), 'закрыто');

  // «Все»: 100, 100, then the rest; «Старше» and «Новее» are plain links.
  const all = app.db.prepare('SELECT id FROM support_requests ORDER BY id DESC').pluck().all() as number[];
  const first = await operator.get('/ops/requests?status=all');
  assert.equal(listed(first), all.slice(0, 100));
  assert.is(first.$('#queue-newer').length, 0);
  const second = await operator.get(first.$('#queue-older').attr('href')!);
  assert.equal(listed(second), all.slice(100, 200));
  const third = await operator.get(second.$('#queue-older').attr('href')!);
  assert.equal(listed(third), all.slice(200));
  assert.is(third.$('#queue-older').length, 0, 'the oldest page has no «Старше»');
  const backUp = await operator.get(third.$('#queue-newer').attr('href')!);
  assert.equal(listed(backUp), all.slice(100, 200), '«Новее» shows the page above');
  const top = await operator.get(backUp.$('#queue-newer').attr('href')!);
  assert.equal(listed(top), all.slice(0, 100));
  assert.is(top.$('#queue-newer').length, 0, 'the newest page has no «Новее»');
  assert.equal(listed(await operator.get(third.$('#queue-first').attr('href')!)), all.slice(0, 100));

  // The default view is «новые и в работе», also paged.
  const open = await operator.get('/ops/requests');
  const openIds = app.db.prepare("SELECT id FROM support_requests WHERE status IN ('new', 'in_progress') ORDER BY id DESC").pluck().all() as number[];
  assert.equal(listed(open), openIds.slice(0, 100));
  assert.equal(listed(await operator.get(open.$('#queue-older').attr('href')!)), openIds.slice(100, 200));

  // A cursor or a status that is not one is ignored, not an error.
  for (const query of ['?status=all&before=-1', '?status=all&before=abc', '?status=nope', '?before=1e9&after=x']) {
    const page = await operator.get(`/ops/requests${query}`);
    assert.is(page.status, 200, query);
  }
  assert.equal(listed(await operator.get('/ops/requests?status=all&before=abc')), all.slice(0, 100));
  assert.is((await operator.get(`/ops/requests?status=all&before=${all[all.length - 1]}`)).$('#queue-empty').length, 1, 'nothing older than the oldest');
});

test.run();
