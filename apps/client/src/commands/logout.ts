import { Status } from 'nice-grpc';
import type { Context } from '../context';
import { CliError } from '../exitCodes';
import { gatewayError, grpcStatus, withToken } from '../gatewayClient';
import { ok, type Result } from '../output';
import { removeSession } from '../session';

/**
 * `strife logout`: revokes the session at the gateway and removes it here. A session the
 * gateway no longer knows (expired, revoked) is simply removed. If the gateway cannot be asked,
 * the local session is removed all the same and the command fails (exit 5), saying the token
 * was not revoked and ends by itself.
 */
export async function logout(ctx: Context): Promise<Result> {
  const session = ctx.requireSession();
  const gateway = ctx.gateway;
  try {
    await gateway.client.logout({}, withToken(session.token));
  } catch (err) {
    if (grpcStatus(err) !== Status.UNAUTHENTICATED) {
      removeSession(ctx.home);
      const cause = gatewayError(err, gateway.address, true);
      if (!(cause instanceof CliError)) throw cause;
      throw new CliError(
        cause.exitCode,
        cause.code,
        `logged out here, but the gateway did not revoke the session (${cause.message}); it ends by itself at ${session.expiresAt}`,
      );
    }
  }
  removeSession(ctx.home);
  return ok({}, [`logged out ${session.username}`]);
}
