// A bare Express 5 hello world on the port given as the first argument: the benchmark's baseline.
import express from 'express';

const app = express();
app.get('/', (_req, res) => {
  res.send('Hello, world');
});
const server = app.listen(Number(process.argv[2]), () => console.log('hello server ready'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
