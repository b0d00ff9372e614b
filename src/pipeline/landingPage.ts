import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';

/** What the page says when Apollo Sandbox (loaded from Apollo's CDN) cannot load: how to see plans without it. */
const OFFLINE_HELP = `<div class="fallback">
  <h1>Junction</h1>
  <p>Apollo Sandbox cannot be loaded here: it comes from Apollo's CDN, and this browser cannot reach it (offline?).
  The gateway itself is up: POST GraphQL to this URL.</p>
  <p>To see query plans without Sandbox:</p>
  <ul>
    <li>the plan of an operation, without calling any subgraph: send it with the header
      <code>Apollo-Expose-Query-Plan: dry-run</code><br /><code>curl -s URL -H 'content-type: application/json' -H 'Apollo-Expose-Query-Plan: dry-run' -d '{"query":"{ topProducts { name } }"}'</code></li>
    <li>the plan next to the data: <code>Apollo-Expose-Query-Plan: true</code>, or <code>Apollo-Query-Plan-Experimental: 1</code></li>
    <li>offline, from a file: <code>npx junction plan operation.graphql --supergraph supergraph.yaml</code></li>
  </ul>
</div>`;

const FALLBACK = /<div class="fallback">[\s\S]*?<\/div>/;

/**
 * Apollo Server's local landing page (Sandbox, embedded), whose offline fallback says how to see plans without
 * Sandbox instead of only that it cannot load.
 */
export function landingPagePlugin(): ApolloServerPlugin<BaseContext> {
  const inner = ApolloServerPluginLandingPageLocalDefault({ embed: true, footer: false });
  return {
    async serverWillStart(service) {
      const listener = await inner.serverWillStart?.(service);
      const render = listener?.renderLandingPage;
      if (!listener || !render) return listener;
      return {
        ...listener,
        async renderLandingPage() {
          const page = await render.call(listener);
          const html = page.html;
          return { html: typeof html === 'string' ? withOfflineHelp(html) : async () => withOfflineHelp(await html()) };
        },
      };
    },
  };
}

function withOfflineHelp(html: string): string {
  return html.replace(FALLBACK, OFFLINE_HELP);
}
