// The layout holds: imports go down the layers (routes → services → db), services are short
// functions in short files, and route handlers stay small. Read from the code with TypeScript's parser.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { functionSpans, lineCount, localImports, sourceFiles } from './helpers/code-shape.ts';

const layers = ['db', 'services', 'routes'] as const;
const layerOf = (path: string) => layers.indexOf(path.split('/')[0] as (typeof layers)[number]);

test('no file imports from a layer above its own (db → services → routes)', () => {
  const upward: string[] = [];
  for (const layer of layers) {
    for (const file of sourceFiles(layer)) {
      for (const target of localImports(file)) {
        if (layerOf(target) > layerOf(file)) upward.push(`${file} imports ${target}`);
      }
    }
  }
  assert.equal(upward, []);
});

test('the check sees imports at all', () => {
  assert.ok(localImports('routes/app.ts').includes('services/index.ts'));
  assert.ok(sourceFiles('services').length > 30);
});

test('no function in services/ is over 60 lines, no file over 300', () => {
  const long = sourceFiles('services')
    .flatMap(functionSpans)
    .filter((span) => span.lines > 60)
    .map((span) => `${span.file}:${span.line} ${span.name} (${span.lines} lines)`);
  const big = sourceFiles('services')
    .filter((file) => lineCount(file) > 300)
    .map((file) => `${file} (${lineCount(file)} lines)`);
  assert.equal([...long, ...big], []);
});

test('no route handler is over 30 lines (the route tables themselves may be longer)', () => {
  const long = sourceFiles('routes')
    .flatMap(functionSpans)
    .filter((span) => span.lines > 30 && !span.isRouteTable)
    .map((span) => `${span.file}:${span.line} ${span.name} (${span.lines} lines)`);
  assert.equal(long, []);
});

test.run();
