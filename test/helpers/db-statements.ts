// Reads the SQL of every db/ function from the code with TypeScript's parser, for the query-plan
// test: what each `prepared(db, …)` or `db.prepare(…)` is given, with the module's constants (a
// column list, an `xQueries` map) filled in, so a function added to db/ is checked without being listed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { projectRoot, sourceFiles } from './code-shape.ts';

/** One statement a db/ function prepares; `sql` is null when the text is built at run time (`unresolved` says from what). */
export type DbStatement = { file: string; fn: string; sql: string | null; unresolved?: string };

type Value = string | number | { [key: string]: Value };

function unwrap(node: ts.Expression): ts.Expression {
  while (ts.isAsExpression(node) || ts.isParenthesizedExpression(node) || ts.isSatisfiesExpression(node)) node = node.expression;
  return node;
}

/** The value of an expression made of literals and the module's constants, or undefined. */
function evaluate(node: ts.Expression, constants: Map<string, Value>): Value | undefined {
  node = unwrap(node);
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isNumericLiteral(node)) return Number(node.text);
  if (ts.isIdentifier(node)) return constants.get(node.text);
  if (ts.isTemplateExpression(node)) {
    let text = node.head.text;
    for (const span of node.templateSpans) {
      const part = evaluate(span.expression, constants);
      if (typeof part === 'object' || part === undefined) return undefined;
      text += String(part) + span.literal.text;
    }
    return text;
  }
  if (ts.isPropertyAccessExpression(node)) {
    const object = evaluate(node.expression, constants);
    return typeof object === 'object' ? object[node.name.text] : undefined;
  }
  if (ts.isObjectLiteralExpression(node)) {
    const object: { [key: string]: Value } = {};
    for (const property of node.properties) {
      if (!ts.isPropertyAssignment(property) || !ts.isIdentifier(property.name)) return undefined;
      const value = evaluate(property.initializer, constants);
      if (value === undefined) return undefined;
      object[property.name.text] = value;
    }
    return object;
  }
  return undefined;
}

/** The SQL argument of `prepared(db, sql)` or `something.prepare(sql)`, if the call is one of those. */
function sqlArgument(node: ts.CallExpression): ts.Expression | undefined {
  const callee = node.expression;
  if (ts.isIdentifier(callee) && callee.text === 'prepared') return node.arguments[1];
  if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'prepare') return node.arguments[0];
  return undefined;
}

/** Every entry of an `xQueries` map the function names, e.g. `historyQueries.readings` handed to a helper. */
function mapEntries(node: ts.Node, constants: Map<string, Value>): string[] {
  const found: string[] = [];
  const visit = (child: ts.Node): void => {
    if (ts.isPropertyAccessExpression(child) && ts.isIdentifier(child.expression) && /Queries$/.test(child.expression.text)) {
      const value = evaluate(child, constants);
      if (typeof value === 'string') found.push(value);
    }
    ts.forEachChild(child, visit);
  };
  visit(node);
  return found;
}

/** Text for the parts of a statement built at run time, by function (`file fn`) and variable name. */
export type RunTimeSamples = Record<string, Record<string, string>>;

function topLevelName(node: ts.Statement): string {
  if (ts.isFunctionDeclaration(node) && node.name) return node.name.text;
  if (ts.isVariableStatement(node)) return node.declarationList.declarations.map((d) => d.name.getText()).join(', ');
  return '(module)';
}

function statementsOf(file: string, samples: RunTimeSamples): DbStatement[] {
  const source = ts.createSourceFile(file, readFileSync(join(projectRoot, file), 'utf8'), ts.ScriptTarget.Latest, true);
  const constants = new Map<string, Value>();
  const statements: DbStatement[] = [];
  for (const node of source.statements) {
    if (!ts.isVariableStatement(node) || !(node.declarationList.flags & ts.NodeFlags.Const)) continue;
    for (const declaration of node.declarationList.declarations) {
      const value = declaration.initializer && evaluate(declaration.initializer, constants);
      if (ts.isIdentifier(declaration.name) && value !== undefined) constants.set(declaration.name.text, value);
    }
  }
  // Each top-level statement is a function (or a const holding one); whatever it prepares is that function's.
  for (const node of source.statements) {
    const fn = topLevelName(node);
    const known = new Map([...constants, ...Object.entries(samples[`${file} ${fn}`] ?? {})]);
    const own: DbStatement[] = [];
    const visit = (child: ts.Node): void => {
      if (ts.isVariableDeclaration(child) && ts.isIdentifier(child.name) && child.initializer && ts.getCombinedNodeFlags(child) & ts.NodeFlags.Const) {
        const value = evaluate(child.initializer, known);
        if (value !== undefined) known.set(child.name.text, value);
      }
      const argument = ts.isCallExpression(child) ? sqlArgument(child) : undefined;
      if (argument) {
        const sql = evaluate(argument, known);
        own.push(typeof sql === 'string' ? { file, fn, sql } : { file, fn, sql: null, unresolved: argument.getText(source) });
      }
      ts.forEachChild(child, visit);
    };
    visit(node);
    // A helper handed a map entry (historyExtent's `one(historyQueries.…)`) prepares what the map holds.
    const viaMap = ts.isFunctionDeclaration(node) ? mapEntries(node, constants).map((sql) => ({ file, fn, sql })) : [];
    const all = [...(viaMap.length > 0 ? own.filter((s) => s.sql !== null) : own), ...viaMap];
    statements.push(...all.filter((s, i) => s.sql === null || all.findIndex((t) => t.sql === s.sql) === i));
  }
  return statements;
}

/** The statements of every function in db/ (the connection and the statement cache have none of their own). */
export function dbStatements(samples: RunTimeSamples = {}): DbStatement[] {
  return sourceFiles('db')
    .filter((file) => file !== 'db/connection.ts' && file !== 'db/prepared.ts')
    .flatMap((file) => statementsOf(file, samples));
}
