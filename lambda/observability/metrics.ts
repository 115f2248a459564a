/**
 * CloudWatch metrics through Powertools for AWS Lambda's Metrics, which writes them in the
 * Embedded Metric Format: JSON log lines that CloudWatch Logs turns into metrics, with no API call
 * on the request path
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html).
 *
 * The names below are exported so the infrastructure code builds its alarms and dashboards on the
 * very same strings.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { STAGES, type Stage } from '../http/request-context.js';
import type { Logger } from './logger.js';

/** CloudWatch namespace of every metric. */
export const METRICS_NAMESPACE = 'FaceQuality';

/** Value of the {@link METRIC_DIMENSIONS.service} dimension (and `service` of every log line). */
export const SERVICE_NAME = 'face-quality';

/** Dimension names. */
export const METRIC_DIMENSIONS = Object.freeze({
  /**
   * Present on every metric; value {@link SERVICE_NAME}. Powertools adds it to every metric under
   * this exact (lower-case) name, single metrics and the cold-start metric included.
   */
  service: 'service',
  /** The response's contract code (`1000`, `1200`, …, `404`, `500`), on {@link METRIC_NAMES.results} only. */
  resultCode: 'ResultCode',
  /** The Lambda function's name, on {@link METRIC_NAMES.coldStart} only. */
  functionName: 'function_name',
} as const);

/** Metric names and what they count. Dimensions: `[service]` unless noted. */
export const METRIC_NAMES = Object.freeze({
  /** Milliseconds from the handler's entry to the response (Unit Milliseconds). */
  latency: 'Latency',
  /** Milliseconds per pipeline stage, only for stages that ran (Unit Milliseconds). */
  stageLatency: Object.freeze({
    parse: 'ParseLatency',
    decrypt: 'DecryptLatency',
    decode: 'DecodeLatency',
    analyze: 'AnalyzeLatency',
    resize: 'ResizeLatency',
    detect: 'DetectLatency',
    verify: 'VerifyLatency',
    regions: 'RegionsLatency',
    landmarks: 'LandmarksLatency',
    measures: 'MeasuresLatency',
  } satisfies Record<Stage, string>),
  /** 1 per request (Unit Count). */
  requests: 'Requests',
  /** 1 per request answered 5xx, else 0: alarm on its Sum (Unit Count). */
  internalErrors: 'InternalErrors',
  /** 1 per request answered 4xx, else 0 (Unit Count). */
  clientErrors: 'ClientErrors',
  /** Faces in a successful answer (Unit Count), absent on errors. */
  faceCount: 'FaceCount',
  /** 1 per request, dimensions `[service, ResultCode]` (Unit Count). */
  results: 'Results',
  /** 1 on the first request of an execution environment, dimensions `[service, function_name]` (Powertools' own). */
  coldStart: 'ColdStart',
} as const);

/** What one request contributes to the metrics. */
export interface RequestMetrics {
  readonly totalMs: number;
  readonly stageMs: Partial<Record<Stage, number>>;
  /** Contract code of the answer. */
  readonly resultCode: number;
  /** HTTP status of the answer. */
  readonly status: number;
  /** Faces returned; undefined unless the request succeeded. */
  readonly faceCount?: number;
}

/** One value of a `[service]` metric. */
export interface MetricValue {
  readonly name: string;
  readonly unit: typeof MetricUnit.Milliseconds | typeof MetricUnit.Count;
  readonly value: number;
}

/**
 * The `[service]`-dimensioned values of one request, in a stable order: latency, the stages that
 * ran, request/error counts, and the face count on success. Pure.
 */
export function requestMetricValues(metrics: RequestMetrics): MetricValue[] {
  const values: MetricValue[] = [
    { name: METRIC_NAMES.latency, unit: MetricUnit.Milliseconds, value: metrics.totalMs },
  ];
  for (const stage of STAGES) {
    const ms = metrics.stageMs[stage];
    if (ms !== undefined)
      values.push({ name: METRIC_NAMES.stageLatency[stage], unit: MetricUnit.Milliseconds, value: ms });
  }
  const { status } = metrics;
  values.push(
    { name: METRIC_NAMES.requests, unit: MetricUnit.Count, value: 1 },
    { name: METRIC_NAMES.internalErrors, unit: MetricUnit.Count, value: status >= 500 ? 1 : 0 },
    { name: METRIC_NAMES.clientErrors, unit: MetricUnit.Count, value: status >= 400 && status < 500 ? 1 : 0 },
  );
  if (metrics.faceCount !== undefined)
    values.push({ name: METRIC_NAMES.faceCount, unit: MetricUnit.Count, value: metrics.faceCount });
  return values;
}

/**
 * A Powertools Metrics instance for namespace {@link METRICS_NAMESPACE} whose every metric carries
 * the `service` dimension; its own warnings go to `logger` as JSON.
 */
export function createMetrics(logger: Logger): Metrics {
  return new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME, logger });
}

/**
 * Stores one request's metrics in `metrics` (published by the `logMetrics` middleware) and
 * publishes its `Results` count at once as a single metric, since that one carries the extra
 * `ResultCode` dimension.
 */
export function recordRequestMetrics(metrics: Metrics, request: RequestMetrics): void {
  for (const { name, unit, value } of requestMetricValues(request)) metrics.addMetric(name, unit, value);
  metrics
    .singleMetric()
    .addDimension(METRIC_DIMENSIONS.resultCode, String(request.resultCode))
    .addMetric(METRIC_NAMES.results, MetricUnit.Count, 1);
}
