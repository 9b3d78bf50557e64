import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { REQUEST_ID_HEADER } from '../http/requestId.ts';
import type { GatewayContext } from '../context.ts';
import type { Logger } from '../logger.ts';
import { unavailableErrors } from './unavailableErrors.ts';

/**
 * How the gateway calls a subgraph. Thin on purpose: it forwards the request id and turns a
 * subgraph that cannot be reached (or answers with a non-2xx HTTP status) into errors at the
 * affected paths instead of failing the whole operation.
 *
 * Mutations are never retried here: `RemoteGraphQLDataSource` does not retry, and a retried
 * business capability could have its effect twice.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    readonly serviceName: string,
    config: ConstructorParameters<typeof RemoteGraphQLDataSource<GatewayContext>>[0],
    private readonly logger: Logger,
  ) {
    super(config);
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const requestId = (context as Partial<GatewayContext>).requestId;
    if (requestId && request.http) request.http.headers.set(REQUEST_ID_HEADER, requestId);
  }

  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    try {
      return await super.process(options);
    } catch (error) {
      const context = options.context as Partial<GatewayContext>;
      (context.logger ?? this.logger).warn({ subgraph: this.serviceName, err: error }, 'subgraph request failed');
      const document = 'document' in options ? options.document : undefined;
      return { errors: unavailableErrors(this.serviceName, document, options.request.variables) };
    }
  }

}
