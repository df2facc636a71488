// The bench's second baseline: the HTML of a page, saved once, served by Express 5 + EJS
// (production, view cache) on the port given first, from the template file given second, with
// no session and no SQL. A page's ratio to it is what the page itself costs beyond its bytes.
import express from 'express';
import { basename, dirname } from 'node:path';

const [port, template] = [Number(process.argv[2]), process.argv[3]];
const app = express();
app.set('view engine', 'ejs');
app.set('views', dirname(template));
app.set('view cache', true);
app.get('/', (_req, res) => res.render(basename(template, '.ejs')));
const server = app.listen(port, () => console.log('static page server ready'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
