import { SignJWT } from 'jose';
import { identityHeader } from '../../helpers/identity';
import { accounts } from '../../../subgraphs/accounts';
import { viewerId } from '../../../subgraphs/common/context';
import { reviews } from '../../../subgraphs/reviews';

describe('viewerId', () => {
  it('is the subject of a token the gateway signed for this subgraph', async () => {
    expect(await viewerId({ headers: await identityHeader('42', 'accounts') }, 'accounts')).toBe('42');
  });

  it('is anonymous for unsigned claims, another subgraph\'s token or an expired one', async () => {
    expect(await viewerId({ headers: {} }, 'accounts')).toBeUndefined();
    expect(await viewerId({ headers: { 'x-user-id': '42', authorization: 'Bearer someone-else' } }, 'accounts')).toBeUndefined();
    expect(await viewerId({ headers: await identityHeader('42', 'reviews') }, 'accounts')).toBeUndefined();
    const expired = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setIssuer('junction').setAudience('accounts').setSubject('42')
      .setIssuedAt(1).setExpirationTime(2).sign(new TextEncoder().encode('x'.repeat(40)));
    expect(await viewerId({ headers: { 'x-junction-identity': expired } }, 'accounts')).toBeUndefined();
  });
});

describe('per-request contexts', () => {
  it('gives every request its own loaders, so no cache outlives a request', async () => {
    const instance = accounts.build();
    const first = instance.createContext({ headers: {} });
    const second = instance.createContext({ headers: {} });
    expect(first.loaders.userById).not.toBe(second.loaders.userById);

    await first.loaders.userById.load('1');
    await second.loaders.userById.load('1');
    expect(instance.dataLayer.calls.usersByIds).toBe(2);
  });

  it('collapses lookups made in the same tick into one data-layer call', async () => {
    const instance = reviews.build();
    const { loaders } = instance.createContext({ headers: {} });
    const lists = await Promise.all(['1', '2', '3'].map((upc) => loaders.reviewsByProductUpc.load(upc)));
    expect(lists.map((list) => list.length)).toEqual([3, 3, 3]);
    expect(instance.dataLayer.calls.reviewsByProductUpcs).toBe(1);
  });

  it('gives each built instance its own data, so writes never cross servers', async () => {
    const one = reviews.build();
    const two = reviews.build();
    await one.dataLayer.createReview({ authorId: '1', productUpc: '1', body: 'only here' });
    const [inOne] = await one.dataLayer.reviewsByProductUpcs(['1']);
    const [inTwo] = await two.dataLayer.reviewsByProductUpcs(['1']);
    expect(inOne).toHaveLength(4);
    expect(inTwo).toHaveLength(3);
  });
});
