/**
 * A span around each gateway plugin's decision (docs/observability.md#traces): the
 * `didResolveOperation` hook, where every plugin checks or rewrites the operation before it is
 * planned. The span is named for what the plugin does (`tessera.limits`, `tessera.policy` for
 * authorization, `tessera.<name>` for the others) and fails with the catalog code of a refusal.
 * The hook is called at once, before any await, so the plugin contract's ordering holds
 * (`gateway/plugin.ts`); off, the plugin's listener is returned as it is.
 */
import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import type { RequestScope } from '../../auth/requestScope.ts';
import { inChildSpan, tracingActive } from '../../core/telemetry/spans.ts';

/** Span names that say more than the plugin's name. */
const SPAN_NAMES: Readonly<Record<string, string>> = { authorization: 'tessera.policy' };

/** The span of the plugin called `name`. */
export function pluginSpanName(name: string): string {
  return SPAN_NAMES[name] ?? `tessera.${name}`;
}

/** `plugin` with its `didResolveOperation` in a span named for `name`, when tracing is on. */
export function tracedPlugin(name: string, plugin: ApolloServerPlugin<RequestScope>): ApolloServerPlugin<RequestScope> {
  const spanName = pluginSpanName(name);
  return {
    ...plugin,
    requestDidStart(requestContext) {
      const started = plugin.requestDidStart?.(requestContext) ?? Promise.resolve();
      // Off: the plugin's own listener, not even one more promise.
      if (!tracingActive()) return started;
      return started.then((listener) => {
        if (!listener?.didResolveOperation) return listener;
        const decide = listener.didResolveOperation.bind(listener);
        // inChildSpan calls `decide` synchronously, inside the span: its synchronous work is measured too.
        const traced: GraphQLRequestListener<RequestScope> = {
          ...listener,
          didResolveOperation: (context) =>
            inChildSpan(spanName, context.contextValue.traceparent, { 'tessera.plugin': name }, () => decide(context)),
        };
        return traced;
      });
    },
  };
}
