/**
 * Remove the connection string, its password and any URL-shaped credentials
 * from a message: driver errors can echo them, and messages reach logs and CI output.
 */
export function redact(message: string, url: string): string {
  let out = message;
  if (url) out = out.split(url).join("<state url>");
  let password = "";
  try {
    password = decodeURIComponent(new URL(url).password);
  } catch {
    password = /password=([^\s&]+)/.exec(url)?.[1] ?? "";
  }
  if (password) out = out.split(password).join("***");
  return out.replace(/(postgres(?:ql)?:\/\/)[^\s'"]*/gi, "$1***");
}
