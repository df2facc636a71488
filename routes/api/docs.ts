// /api/v1/docs: the OpenAPI document as a page a mobile developer can read in a browser,
// rendered here from the same document (no scripts, nothing from a CDN).
import { renderTemplate, viewsDir } from '../../services/platform/templates.ts';

type Operation = { summary?: string; tags?: string[]; security?: unknown[]; parameters?: Parameter[]; requestBody?: { content: Record<string, { schema: unknown }> }; responses: Record<string, Answer> };
type Parameter = { name: string; in: string; required?: boolean; description?: string };
type Answer = { description: string; content?: Record<string, { schema: unknown }> };
type Document = { info: { title: string; description?: string }; servers?: { url: string }[]; paths?: Record<string, Record<string, Operation> | undefined> };

const template = `${viewsDir}pages/api/docs.ejs`;
const pretty = (schema: unknown) => JSON.stringify(schema, null, 2);

function operationsOf(doc: Document) {
  return Object.entries(doc.paths ?? {}).flatMap(([path, methods]) =>
    Object.entries(methods ?? {}).map(([method, op]) => ({
      id: `${method}-${path.replace(/[^a-z0-9]+/gi, '-').replace(/-+$/, '')}`,
      method,
      path,
      summary: op.summary ?? '',
      tags: op.tags ?? [],
      public: Array.isArray(op.security) && op.security.length === 0,
      parameters: op.parameters ?? [],
      body: op.requestBody ? pretty(op.requestBody.content['application/json']?.schema) : null,
      responses: Object.entries(op.responses).map(([status, answer]) => ({ status, description: answer.description, schema: answer.content ? pretty(Object.values(answer.content)[0].schema) : null })),
    })),
  );
}

export function docsPage(document: unknown): string {
  const doc = document as Document;
  return renderTemplate(template, { doc, operations: operationsOf(doc) }, { cache: true });
}
