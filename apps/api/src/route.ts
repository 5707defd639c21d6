import type { z } from 'zod';
import type {
  ApiKeyView,
  AtomicUnit,
  Conversation,
  DiscoveryDocument,
  Masterplan,
  MasterplanTask,
  User,
} from '@mge/db';
import type { Resources } from '@mge/pipeline';
import type { Accounts } from './accounts/account-service.js';
import type { SetCookie } from './accounts/sessions.js';
import type { Caller } from './auth.js';

/**
 * `key`: any tenant's API key or signed-in person; `admin`: an admin key or person (403 to
 * members); `none`: public.
 */
export type Auth = 'none' | 'key' | 'admin';

/** What a tenant-owned lookup loads, by the kind of resource a request names. */
export interface OwnedRows {
  plan: { plan: Masterplan };
  task: { task: MasterplanTask; plan: Masterplan };
  atom: { atom: AtomicUnit; task: MasterplanTask };
  user: { user: User };
  conversation: { conversation: Conversation };
  discovery: { discovery: DiscoveryDocument };
  apiKey: { apiKey: ApiKeyView };
}
export type Owner = keyof OwnedRows;

/**
 * One HTTP operation as the OpenAPI document (`openapi.ts`) and the endpoint tests see it. A
 * `Route` adds the handler; an operation without one is served by its own router (Swagger UI,
 * Bull Board, the WebSocket upgrade) and only documented here.
 */
export interface ApiOperation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI path template: `{id}` where the Express route has `:id`. */
  path: string;
  summary: string;
  tag: string;
  auth: Auth;
  /** The zod schemas the request's path parameters, query and body are parsed with. */
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** Media types the body may come in. @defaultValue `['application/json']` */
  bodyTypes?: readonly string[];
  /** The caller's tenant's resource the request names: another tenant's (or none) answers 404. */
  owns?: Owner;
  /** Status and description of a success; `type` is its media type. @defaultValue JSON */
  success: { status: number; description: string; type?: string };
  /** Errors beyond those implied by `auth`, `params`/`query`/`body` and `owns`, by status. */
  errors?: Record<number, string>;
  /** Vendor extensions, e.g. `{ 'x-websocket': true }` on a GET that upgrades (status 101). */
  extensions?: Record<`x-${string}`, unknown>;
}

/** The parsed request a handler (and `ownerId`) receives. */
export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
}

/** Who is on the other end of a request, for the account endpoints. */
export interface RouteClient {
  ip: string;
  cookies: Record<string, string | undefined>;
  /** Whether the request passes the double-submit CSRF check (safe methods always do). */
  csrf: boolean;
}

/** What a handler receives: the parsed request, the caller, the resources and the owned rows. */
export type RouteContext<P, Q, B, O, K, A = Auth> = RouteInput<P, Q, B> & {
  caller: A extends 'none' ? undefined : Caller;
  deps: Resources;
  accounts: Accounts;
  client: RouteClient;
} & (O extends Owner ? (undefined extends K ? Partial<OwnedRows[O]> : OwnedRows[O]) : unknown);

/** An answer other than JSON with the declared success status; a readable stream body is piped. */
export class Reply {
  constructor(
    readonly body: unknown,
    readonly options: {
      status?: number;
      type?: string;
      location?: string;
      headers?: Readonly<Record<string, string>>;
      /** Cookies to set or clear (the session's). */
      cookies?: readonly SetCookie[];
    } = {},
  ) {}
}

export interface RouteSpec<
  P extends z.ZodObject,
  Q extends z.ZodObject,
  B extends z.ZodType,
  O extends Owner | undefined,
  K extends string | undefined,
  A extends Auth,
  T,
> extends Omit<ApiOperation, 'auth' | 'params' | 'query' | 'body' | 'owns'> {
  auth: A;
  params?: P;
  query?: Q;
  body?: B;
  /**
   * Parses the raw body instead of `body` (which then only documents it), for bodies that take
   * more than a schema: YAML text, or a plan checked by `parsePlan`. Throws InvalidInputError;
   * its result is the handler's `body`.
   */
  parseBody?: (raw: unknown) => T;
  owns?: O;
  /**
   * The id of the owned resource. @defaultValue the path's one parameter. Undefined means the
   * request names none, and the handler's rows are then undefined.
   */
  ownerId?: (input: RouteInput<z.output<P>, z.output<Q>, T>) => K;
  /** Answers the JSON body, a `Reply`, or a promise of either. */
  handler: (ctx: RouteContext<z.output<P>, z.output<Q>, T, O, K, A>) => unknown;
}

/** A declared route, its types erased: what the registrar and the OpenAPI document take. */
export interface Route extends ApiOperation {
  parseBody?: (raw: unknown) => unknown;
  ownerId?: (input: RouteInput<unknown, unknown, unknown>) => string | undefined;
  handler: (ctx: RouteContext<unknown, unknown, unknown, undefined, undefined, Auth>) => unknown;
}

/**
 * Declares an operation once: it is mounted by `mountRoutes` (auth, zod parsing, the owned-row
 * lookup, then `handler`) and documented by `openApiDocument`. The handler's answer is sent as
 * JSON with `success.status` (`success.type` when declared), or as a `Reply` says.
 */
export function defineRoute<
  P extends z.ZodObject = z.ZodObject<Record<string, never>>,
  Q extends z.ZodObject = z.ZodObject<Record<string, never>>,
  B extends z.ZodType = z.ZodType<undefined>,
  O extends Owner | undefined = undefined,
  K extends string | undefined = string,
  A extends Auth = Auth,
  T = z.output<B>,
>(spec: RouteSpec<P, Q, B, O, K, A, T>): Route {
  return spec as unknown as Route;
}
