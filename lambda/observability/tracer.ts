/**
 * X-Ray tracing through Powertools for AWS Lambda's Tracer, switched by configuration
 * (`TRACING`, set by the stack from its `tracing` context flag together with the function's
 * active tracing). The Tracer module, and the X-Ray SDK it loads, are imported only when tracing is
 * on, so a function without tracing does not pay for them at init.
 */
import type { Tracer } from '@aws-lambda-powertools/tracer';

export type { Tracer } from '@aws-lambda-powertools/tracer';

/**
 * A Tracer for `service` when `enabled`, else undefined. With a Tracer, the handler's segment gets
 * the `ColdStart` and `Service` annotations, a `ResultCode` annotation and the stage timings as
 * metadata, and outgoing HTTPS calls (KMS) become subsegments.
 */
export async function loadTracer(enabled: boolean, service: string): Promise<Tracer | undefined> {
  if (!enabled) return undefined;
  const { Tracer: PowertoolsTracer } = await import('@aws-lambda-powertools/tracer');
  return new PowertoolsTracer({ serviceName: service, enabled: true, captureHTTPsRequests: true });
}
