import {
  type ServerInterceptingCallInterface,
  type ServerInterceptor,
  ServerInterceptingCall,
  status,
} from '@grpc/grpc-js';
import type { CallContext } from 'nice-grpc-common';
import {
  formatIdentity,
  identityOfCertificate,
  parseIdentity,
  type PeerIdentity,
  type Role,
} from './identity';

/** Which certificate roles may call each service, by full service name. Anything unlisted is refused. */
export type PeerPolicy = Readonly<Record<string, readonly Role[]>>;

export const HEALTH_SERVICE = 'grpc.health.v1.Health';
export const REFLECTION_SERVICE = 'grpc.reflection.v1.ServerReflection';

/**
 * Metadata key carrying the verified peer identity from the TLS layer to handlers. The
 * interceptor removes any value a caller sent before setting its own, so it cannot be forged.
 */
export const PEER_IDENTITY_KEY = 'x-strife-peer-identity';

/**
 * A grpc-js server interceptor that admits a call only when the peer's certificate role is in
 * `policy` for the called service. Health and reflection are open to every role the server
 * admits anywhere and to `monitor`. Refusals are PERMISSION_DENIED, or UNAUTHENTICATED without a Strife identity, and
 * are reported to `onRefused` (the server logs them: they never reach the call-logging middleware).
 */
export function peerPolicyInterceptor(
  policy: PeerPolicy,
  onRefused: (refusal: { method: string; peer: string; ip: string; reason: string }) => void,
): ServerInterceptor {
  const anyAdmitted = new Set<Role>(['monitor', ...Object.values(policy).flat()]);
  const admits = (service: string, role: Role): boolean =>
    service === HEALTH_SERVICE || service === REFLECTION_SERVICE
      ? anyAdmitted.has(role)
      : (policy[service]?.includes(role) ?? false);

  return (methodDescriptor, call: ServerInterceptingCallInterface) => {
    const service = methodDescriptor.path.split('/')[1] ?? '';
    return new ServerInterceptingCall(call, {
      start: (next) => {
        next({
          onReceiveMetadata: (metadata, proceed) => {
            metadata.remove(PEER_IDENTITY_KEY);
            const peer = identityOfCertificate(call.getAuthContext().sslPeerCertificate);
            const refuse = (code: status, reason: string): void => {
              onRefused({
                method: methodDescriptor.path,
                peer: peer ? formatIdentity(peer) : 'none',
                ip: call.getPeer(),
                reason,
              });
              call.sendStatus({ code, details: reason });
            };
            if (!peer) {
              refuse(
                status.UNAUTHENTICATED,
                'a client certificate with a Strife identity is required',
              );
              return;
            }
            if (!admits(service, peer.role)) {
              refuse(
                status.PERMISSION_DENIED,
                `peer ${formatIdentity(peer)} may not call ${service}`,
              );
              return;
            }
            metadata.set(PEER_IDENTITY_KEY, formatIdentity(peer));
            proceed(metadata);
          },
        });
      },
    });
  };
}

/** The verified identity of the caller, as set by `peerPolicyInterceptor`. */
export function peerIdentity(context: CallContext): PeerIdentity | undefined {
  const value = context.metadata.get(PEER_IDENTITY_KEY);
  return value === undefined ? undefined : parseIdentity(value);
}
