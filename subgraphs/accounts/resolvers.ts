import { viewerId } from '../common/context';
import { pageSize } from '../common/errors';
import type { User } from './data';
import type { AccountsContext } from './loaders';

export const resolvers = {
  Query: {
    // The caller, from the gateway-signed identity; anonymous callers get null.
    me: async (_: unknown, __: unknown, ctx: AccountsContext) => {
      const id = await viewerId(ctx, 'accounts');
      return id === undefined ? null : ctx.loaders.userById.load(id);
    },
    user: (_: unknown, args: { id: string }, ctx: AccountsContext) => ctx.loaders.userById.load(args.id),
    users: async (_: unknown, args: { first?: number | null }, ctx: AccountsContext) => {
      const users = await ctx.data.listUsers(pageSize(args.first, 10, ctx.data.size));
      // Later lookups of these users in the same request then cost nothing.
      for (const user of users) ctx.loaders.userById.prime(user.id, user);
      return users;
    },
  },
  User: {
    __resolveReference: (ref: { id: string }, ctx: AccountsContext): Promise<User | null> =>
      ctx.loaders.userById.load(ref.id),
  },
};
