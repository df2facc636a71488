// What a benchmark's server needs to start with NODE_ENV=production: the refusals in
// services/config.ts want a real-looking acquirer and mail server. Nothing here is ever called:
// the benchmarks do not pay or send mail (the SMTP port 2 is closed, letters stay in the outbox).
/** workers: WORKERS for the app (default 1, not the production default of one per CPU). */
export function productionBenchEnv(port: number, databasePath: string, workers = 1): NodeJS.ProcessEnv {
  return {
    NODE_ENV: 'production', PORT: String(port), BASE_URL: 'https://localhost', DATABASE_PATH: databasePath,
    SMTP_URL: 'smtp://127.0.0.1:2', MAIL_FROM: 'Свет КСК <no-reply@svet.localhost>', DEMO_DATA: '0',
    PAYMENT_GATEWAY_URL: 'http://127.0.0.1:9/payment/rest/', PAYMENT_USERNAME: 'bench', PAYMENT_PASSWORD: 'bench-password', PAYMENT_CALLBACK_KEY: 'bench-callback-key',
    UNSUBSCRIBE_SECRET: 'bench-unsubscribe-secret-of-32-characters',
    CHROME_SANDBOX: '0', LOG_LEVEL: 'warn', WORKERS: String(workers),
  };
}
