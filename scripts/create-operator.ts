// Creates an operator: prints the one-time password and the TOTP key URI for an authenticator app.
// Usage: npm run create-operator -- --login ivanova --name "Иванова Мария"
import { parseArgs } from 'node:util';
import { openDatabase } from '../db/connection.ts';
import { systemClock } from '../services/platform/clock.ts';
import { loadConfig } from '../services/platform/config.ts';
import { createServices } from '../services/index.ts';

const { values } = parseArgs({ options: { login: { type: 'string' }, name: { type: 'string' } } });
if (!values.login || !/^[a-z][a-z0-9._-]{2,40}$/.test(values.login) || !values.name) {
  console.error('Usage: npm run create-operator -- --login <latin login> --name "<full name>"');
  process.exit(2);
}
const config = loadConfig();
const db = openDatabase(config.databasePath);
const services = createServices(config, db, systemClock);
const { password, totpUri } = await services.operators.create({ login: values.login, name: values.name });
console.log(`Оператор ${values.login} создан.`);
console.log(`Пароль (сообщите лично, он показывается один раз): ${password}`);
console.log(`Ключ TOTP для приложения-аутентификатора: ${totpUri}`);
db.close();
