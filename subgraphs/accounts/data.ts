import { USER_COUNT, pick, sequentialIds } from '../common/catalog';

export interface User {
  readonly id: string;
  readonly name: string;
  readonly username: string;
  readonly email: string;
}

const FIRST_NAMES = ['Ada', 'Grace', 'Alan', 'Barbara', 'Edsger', 'Frances', 'Donald', 'Margaret', 'Dennis', 'Radia'] as const;
const LAST_NAMES = ['Lovelace', 'Hopper', 'Turing', 'Liskov', 'Dijkstra', 'Allen', 'Knuth', 'Hamilton', 'Ritchie', 'Perlman'] as const;

/** 10 first names x 10 last names gives 100 distinct users: "1" is Ada Lovelace, "2" Grace Lovelace. */
export function seedUsers(count: number = USER_COUNT): User[] {
  return sequentialIds(count).map((id, i) => {
    const first = pick(FIRST_NAMES, i);
    const last = pick(LAST_NAMES, Math.floor(i / FIRST_NAMES.length));
    const username = `${first}.${last}`.toLowerCase();
    return { id, name: `${first} ${last}`, username, email: `${username}.${id}@example.com` };
  });
}

/**
 * Stands in for a user database. Methods are async like a real client's, and count their
 * calls so tests can prove DataLoader collapses N lookups into one.
 */
export class AccountsDataLayer {
  readonly calls = { usersByIds: 0, listUsers: 0 };
  private readonly users: readonly User[];
  private readonly byId: ReadonlyMap<string, User>;

  constructor(users: readonly User[] = seedUsers()) {
    this.users = users;
    this.byId = new Map(users.map((user) => [user.id, user]));
  }

  get size(): number {
    return this.users.length;
  }

  /** One result per id, in order; unknown ids give null (DataLoader's contract). */
  async usersByIds(ids: readonly string[]): Promise<(User | null)[]> {
    this.calls.usersByIds += 1;
    return ids.map((id) => this.byId.get(id) ?? null);
  }

  async listUsers(first: number): Promise<User[]> {
    this.calls.listUsers += 1;
    return this.users.slice(0, first);
  }
}
