// The names a template reads without declaring them: its EJS source as compiled for
// services/platform/templates.ts (strict, no `with`; EJS passes `include`), checked by TypeScript as JavaScript.
// Every "Cannot find name" (or a shorthand property with no value in scope) is a name the
// template neither declares nor takes from `locals`.
import ejs from 'ejs';
import { readFileSync } from 'node:fs';
import ts from 'typescript';

type TemplateSource = { generateSource(): void; source: string };

function sourceOf(file: string): string {
  const template = new (ejs as unknown as { Template: new (text: string, options: object) => TemplateSource }).Template(readFileSync(file, 'utf8'), {
    filename: file,
    strict: true,
    compileDebug: false,
  });
  template.generateSource();
  return `function template(locals, escapeFn, include) {\n  let __output = "";\n  function __append(s) { if (s !== undefined && s !== null) __output += s }\n${template.source}\n  return __output;\n}\n`;
}

/** For each file, the undeclared names it reads, sorted (empty: the template declares all it uses). */
export function undeclaredNames(files: string[]): Map<string, string[]> {
  const sources = new Map(files.map((file) => [`${file}.js`, sourceOf(file)]));
  const options: ts.CompilerOptions = { allowJs: true, checkJs: true, noEmit: true, target: ts.ScriptTarget.ES2022, lib: ['lib.es2022.d.ts'], types: [] };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (name) => sources.get(name) ?? readFile(name);
  host.fileExists = (name) => sources.has(name) || ts.sys.fileExists(name);
  host.getSourceFile = (name, version) =>
    sources.has(name) ? ts.createSourceFile(name, sources.get(name)!, version, true, ts.ScriptKind.JS) : getSourceFile(name, version);
  const program = ts.createProgram([...sources.keys()], options, host);
  const result = new Map(files.map((file) => [file, new Set<string>()]));
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    const name = /^(?:Cannot find name|No value exists in scope for the shorthand property) '([^']+)'/.exec(message)?.[1];
    const file = diagnostic.file?.fileName.replace(/\.js$/, '');
    if (name && file && result.has(file)) result.get(file)!.add(name);
  }
  return new Map([...result].map(([file, names]) => [file, [...names].sort()]));
}
