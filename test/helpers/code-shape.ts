// Reads the project's own TypeScript with the compiler's parser: the imports of each file, and the
// length of each function, for the architecture test.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Every .ts file under a top-level folder, as a path from the project root. */
export function sourceFiles(folder: string): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(join(projectRoot, dir), { withFileTypes: true }).flatMap((entry) => {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) return walk(path);
      return entry.name.endsWith('.ts') ? [path] : [];
    });
  return walk(folder);
}

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(join(projectRoot, file), 'utf8'), ts.ScriptTarget.Latest, true);
}

/** The project files a file imports (relative specifiers only), as paths from the project root. */
export function localImports(file: string): string[] {
  const source = parse(file);
  const specifiers: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      specifiers.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
      specifiers.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return specifiers.filter((s) => s.startsWith('.')).map((s) => relative(projectRoot, resolve(projectRoot, dirname(file), s)));
}

export type FunctionSpan = { file: string; name: string; line: number; lines: number; isRouteTable: boolean };

function functionName(node: ts.SignatureDeclaration): string {
  if (node.name && ts.isIdentifier(node.name)) return node.name.text;
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  if (ts.isPropertyAssignment(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  if (ts.isCallExpression(parent) && ts.isPropertyAccessExpression(parent.expression)) return `(${parent.expression.name.text} handler)`;
  return '(anonymous)';
}

/** Every function, method and arrow function in a file with the number of lines it spans. */
export function functionSpans(file: string): FunctionSpan[] {
  const source = parse(file);
  const spans: FunctionSpan[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isArrowFunction(node) || ts.isMethodDeclaration(node)) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const name = functionName(node);
      spans.push({ file, name, line: start + 1, lines: end - start + 1, isRouteTable: /Routes$|^createApp$/.test(name) });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return spans;
}

export function lineCount(file: string): number {
  return readFileSync(join(projectRoot, file), 'utf8').split('\n').length;
}
