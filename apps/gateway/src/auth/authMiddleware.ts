import { Unauthenticated } from '@strife/domain';
import type { CallLogContext } from '@strife/runtime';
import type { CallContext, ServerMiddleware } from 'nice-grpc-common';
import type { AuthService, AuthUser } from './authService';

export interface AuthContext {
  /** The signed-in caller; undefined only on the public methods. */
  readonly user: AuthUser | undefined;
}

const PUBLIC_METHODS = new Set([
  '/strife.v1.GatewayService/Register',
  '/strife.v1.GatewayService/Login',
]);

/** Reads `authorization: Bearer <token>`; undefined when absent. */
function bearerToken(context: CallContext): string | undefined {
  const header = context.metadata.get('authorization');
  if (header === undefined) return undefined;
  const match = /^Bearer ([A-Za-z0-9_-]{1,256})$/.exec(header);
  if (!match) throw new Unauthenticated('authorization metadata must be "Bearer <token>"');
  return match[1];
}

/**
 * Authenticates every GatewayService call except Register and Login: a missing, unknown,
 * expired or revoked token is UNAUTHENTICATED before any handler runs.
 */
export function authMiddleware(auth: AuthService): ServerMiddleware<AuthContext, CallLogContext> {
  return async function* authenticate(call, context) {
    if (PUBLIC_METHODS.has(call.method.path)) {
      return yield* call.next(call.request, { ...context, user: undefined });
    }
    const user = await auth.authenticate(bearerToken(context));
    context.callLog.annotate({ user: user.username });
    return yield* call.next(call.request, { ...context, user });
  };
}

/** The caller of a protected method. */
export function signedIn(context: AuthContext): AuthUser {
  if (!context.user) throw new Unauthenticated('missing session token: log in first');
  return context.user;
}
