import { formatAccountAddress, NotAuthorized, parseAccountAddress } from '@strife/domain';
import { type GatewayServiceImplementation } from '@strife/protocol';
import { type CallLogContext, peerAddress } from '@strife/runtime';
import { type AuthContext, signedIn } from './auth/authMiddleware';
import type { AuthService } from './auth/authService';
import type { Banks } from './banks';
import { paymentToWire } from './payments/paymentWire';
import type { PaymentService } from './payments/paymentService';

/** The client-facing GatewayService: thin handlers over the auth and payment services. */
export function gatewayService(
  auth: AuthService,
  payments: PaymentService,
  banks: Banks,
): GatewayServiceImplementation<CallLogContext & AuthContext> {
  return {
    async register(request, context) {
      context.callLog.annotate({ user: request.username, bank: request.bank });
      const user = await auth.register({
        username: request.username,
        password: request.password,
        bank: request.bank,
        initialDeposit: request.initialDeposit,
      });
      return { username: user.username, account: `${user.bank}:${user.accountNo ?? ''}` };
    },

    async login(request, context) {
      context.callLog.annotate({ user: request.username });
      const { token, user, expiresAt } = await auth.login(
        request.username,
        request.password,
        peerAddress(context.peer),
      );
      return {
        token,
        username: user.username,
        account: `${user.bank}:${user.accountNo ?? ''}`,
        expiresAt,
      };
    },

    async logout(_request, context) {
      await auth.logout(signedIn(context));
      return {};
    },

    async getBalance(request, context) {
      const user = signedIn(context);
      if (request.account !== '') {
        const asked = formatAccountAddress(parseAccountAddress(request.account, 'account'));
        if (asked !== user.account)
          throw new NotAuthorized(`you may only see your own account ${user.account}`);
      }
      const { account } = await banks.call(user.bank, (bank) =>
        bank.getAccount({ accountNo: user.accountNo }),
      );
      return {
        account: user.account,
        balance: account?.balance ?? 0n,
        available: account?.available ?? 0n,
      };
    },

    async pay(request, context) {
      const payment = await payments.pay(
        signedIn(context),
        { key: request.idempotencyKey, to: request.to, from: request.from, amount: request.amount },
        context.callLog,
      );
      return { payment: paymentToWire(payment) };
    },

    async getPayment(request, context) {
      context.callLog.annotate({ key: request.idempotencyKey });
      return {
        payment: paymentToWire(await payments.get(signedIn(context), request.idempotencyKey)),
      };
    },

    async listPayments(request, context) {
      const page = await payments.list(signedIn(context), request.pageSize, request.pageToken);
      return { payments: page.payments.map(paymentToWire), nextPageToken: page.next };
    },
  };
}
