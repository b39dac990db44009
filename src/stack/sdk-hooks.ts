export async function resolve(specifier: string, context: unknown, next: (s: string, c: unknown) => Promise<unknown>) {
  return next(specifier, context);
}
