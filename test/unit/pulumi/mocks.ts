import * as pulumi from "@pulumi/pulumi";

/** What the Pulumi SDK sent the engine for one resource. */
export interface Registration {
  type: string;
  name: string;
  /** Inputs as sent: a secret is `{ [SECRET_SIG]: …, value }`. */
  inputs: Record<string, unknown>;
  /** URNs of the resources it depends on (explicit dependsOn and outputs used in its inputs). */
  dependencies: string[];
}

/** Pulumi's marker of a secret value on the wire. */
export const SECRET_SIG = "4dabf18193072939515e22adb298388d";

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getObject(): { toJavaScript(): unknown };
  getDependenciesList(): string[];
}

/**
 * Run Pulumi under mocks (resources echo their inputs) and record every
 * registration. The mocks' newResource does not see dependencies, so they
 * are read off the request the SDK sends to the (mock) monitor.
 */
export async function recordRegistrations(project: string, stack: string): Promise<Registration[]> {
  const registrations: Registration[] = [];
  await pulumi.runtime.setMocks({ newResource: (a) => ({ id: `${a.name}_id`, state: a.inputs }), call: (a) => a.inputs }, project, stack, false);
  const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource(req: RegisterRequest, cb: unknown): Promise<void> };
  const original = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => {
    registrations.push({
      type: req.getType(),
      name: req.getName(),
      inputs: req.getObject().toJavaScript() as Record<string, unknown>,
      dependencies: req.getDependenciesList(),
    });
    return original(req, cb);
  };
  return registrations;
}

export const resolved = <T>(o: pulumi.Output<T>) => new Promise<T>((resolve) => o.apply(resolve));
export const settled = (rs: pulumi.CustomResource[]) => Promise.all(rs.map((r) => resolved(r.id)));
