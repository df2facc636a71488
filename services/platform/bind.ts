// A service is a set of top-level functions that take their dependencies first; bind() gives the
// callers the same functions with the dependencies already supplied, so a factory only wires.
type Bound<D, F> = {
  [K in keyof F]: F[K] extends (deps: D, ...args: infer A) => infer R ? (...args: A) => R : never;
};

// Each operation has its own argument list after the dependencies.
type Operation<D> = (deps: D, ...args: any[]) => unknown;

export function bind<D, F extends Record<string, Operation<D>>>(deps: D, operations: F): Bound<D, F> {
  const bound: Record<string, unknown> = {};
  for (const [name, operation] of Object.entries(operations)) bound[name] = (...args: unknown[]) => operation(deps, ...args);
  return bound as Bound<D, F>;
}
