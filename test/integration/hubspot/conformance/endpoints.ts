import { models, type Violation } from "./models";
import { checkSpec } from "./spec-schemas";

/**
 * Every HubSpot endpoint the provider calls, with the model its request body
 * and its success response are checked against: a model of the official
 * client (`area` + model name) or a definition of a spec-derived schema.
 */

type Model =
  | { client: string; model: string }
  | { spec: "automation-v4" | "event-definitions"; model: string };

export interface Endpoint {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** The path as HubSpot's reference writes it. */
  path: string;
  request?: Model;
  /** Absent: the success answer has no body (204). */
  response?: Model;
}

const lists = (model: string): Model => ({ client: "crm/lists", model });
const emails = (model: string): Model => ({ client: "marketing/emails", model });
const props = (model: string): Model => ({ client: "crm/properties", model });
const users = (model: string): Model => ({ client: "settings/users", model });
const flows = (model: string): Model => ({ spec: "automation-v4", model });

/** A collection HubSpot manages by REST: list it, create in it, and read, change or delete one item. */
function collection(path: string, item: string, change: "PUT" | "PATCH", m: { list: Model; create: Model; change: Model; one: Model }): Endpoint[] {
  return [
    { method: "GET", path, response: m.list },
    { method: "POST", path, request: m.create, response: m.one },
    { method: "GET", path: `${path}${item}`, response: m.one },
    { method: change, path: `${path}${item}`, request: m.change, response: m.one },
    { method: "DELETE", path: `${path}${item}` },
  ];
}

export const ENDPOINTS: readonly Endpoint[] = [
  // Automation v4 flows (not in the client: spec-derived schema)
  { method: "GET", path: "/automation/v4/flows", response: flows("CollectionResponseApiFlowListingForwardPaging") },
  { method: "POST", path: "/automation/v4/flows/batch/read", request: flows("ApiFlowBatchInput"), response: flows("BatchResponseApiFlow") },
  { method: "POST", path: "/automation/v4/flows", request: flows("ApiContactFlowCreateRequest"), response: flows("ApiFlow") },
  { method: "GET", path: "/automation/v4/flows/{flowId}", response: flows("ApiFlow") },
  { method: "PUT", path: "/automation/v4/flows/{flowId}", request: flows("ApiContactFlowPutRequest"), response: flows("ApiFlow") },
  { method: "DELETE", path: "/automation/v4/flows/{flowId}" },
  // CRM lists v3
  { method: "POST", path: "/crm/v3/lists/search", request: lists("ListSearchRequest"), response: lists("ListSearchResponse") },
  { method: "GET", path: "/crm/v3/lists/", response: lists("ListsByIdResponse") },
  { method: "POST", path: "/crm/v3/lists/", request: lists("ListCreateRequest"), response: lists("ListCreateResponse") },
  { method: "GET", path: "/crm/v3/lists/{listId}", response: lists("ListFetchResponse") },
  { method: "PUT", path: "/crm/v3/lists/{listId}/update-list-name", response: lists("ListUpdateResponse") },
  { method: "PUT", path: "/crm/v3/lists/{listId}/update-list-filters", request: lists("ListFilterUpdateRequest"), response: lists("ListUpdateResponse") },
  { method: "DELETE", path: "/crm/v3/lists/{listId}" },
  // Settings users v3: GET/POST /settings/v3/users/, GET/PUT/DELETE /settings/v3/users/{userId}, roles, teams
  ...collection("/settings/v3/users/", "{userId}", "PUT", {
    list: users("CollectionResponsePublicUserForwardPaging"), create: users("UserProvisionRequest"), change: users("PublicUserUpdate"), one: users("PublicUser"),
  }),
  { method: "GET", path: "/settings/v3/users/roles", response: users("CollectionResponsePublicPermissionSetNoPaging") },
  { method: "GET", path: "/settings/v3/users/teams", response: users("CollectionResponsePublicTeamNoPaging") },
  // Marketing emails v3: GET/POST /marketing/v3/emails/, GET/PATCH/DELETE /marketing/v3/emails/{emailId}
  ...collection("/marketing/v3/emails/", "{emailId}", "PATCH", {
    list: emails("CollectionResponseWithTotalPublicEmailForwardPaging"), create: emails("EmailCreateRequest"), change: emails("EmailUpdateRequest"), one: emails("PublicEmail"),
  }),
  // CRM properties v3: GET/POST /crm/v3/properties/contacts, GET/PATCH/DELETE /crm/v3/properties/contacts/{propertyName}
  ...collection("/crm/v3/properties/contacts/", "{propertyName}", "PATCH", {
    list: props("CollectionResponsePropertyNoPaging"), create: props("PropertyCreate"), change: props("PropertyUpdate"), one: props("Property"),
  }),
  // Communication preferences v3
  { method: "GET", path: "/communication-preferences/v3/definitions", response: { client: "communication_preferences", model: "SubscriptionDefinitionsResponse" } },
  // Custom event definitions v3 (not in the client: spec-derived schema)
  { method: "GET", path: "/events/v3/event-definitions", response: { spec: "event-definitions", model: "CollectionResponseWithTotalExternalBehavioralEventTypeDefinition" } },
];

const label = (e: Endpoint) => `${e.method} ${e.path}`;

/** Path templates as patterns; trailing slashes are the same path (HubSpot's own docs use both). */
const pattern = (p: string) => new RegExp(`^${p.replace(/\/$/, "").replace(/\{[^}]+\}/g, "[^/]+")}/?$`);
const matchers = ENDPOINTS.map((e) => ({ e, re: pattern(e.path) }));

/** The endpoint a request went to; literal paths win over templates (`/users/roles` is not `/users/{userId}`). */
export function endpointOf(method: string, path: string): Endpoint | undefined {
  const hits = matchers.filter((m) => m.e.method === method && m.re.test(path)).map((m) => m.e);
  return hits.find((e) => !e.path.includes("{")) ?? hits[0];
}

export function check(model: Model, value: unknown): Violation[] {
  return "client" in model ? models(model.client).check(value, model.model) : checkSpec(model.spec, model.model, value);
}

export interface Exchange {
  method: string;
  path: string;
  body?: unknown;
  status?: number;
  response?: unknown;
}

/** What is wrong with a request body, before anything is answered (the fake refuses such requests as HubSpot would). */
export function checkRequest(x: Pick<Exchange, "method" | "path" | "body">): string[] {
  const e = endpointOf(x.method, x.path);
  if (!e) return [`${x.method} ${x.path}: not an endpoint of the conformance table`];
  if (!e.request) return x.body === undefined ? [] : [`${label(e)}: a body was sent to an endpoint that takes none`];
  if (x.body === undefined) return [`${label(e)}: request without a body`];
  return check(e.request, x.body).map((v) => `${label(e)} request ${v.at}: ${v.problem}`);
}

/** Everything that does not match HubSpot's models in one request and its success answer. */
export function checkExchange(x: Exchange): string[] {
  const e = endpointOf(x.method, x.path);
  const out = checkRequest(x);
  const ok = x.status !== undefined && x.status >= 200 && x.status < 300;
  if (e?.response && ok) out.push(...check(e.response, x.response).map((v) => `${label(e)} response ${v.at}: ${v.problem}`));
  return out;
}

export { label as endpointLabel };
