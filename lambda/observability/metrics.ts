/**
 * CloudWatch metrics through the Embedded Metric Format: one JSON log line per request that
 * CloudWatch Logs turns into metrics, with no API call on the request path
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html).
 *
 * The names below are exported so the infrastructure code builds its alarms and dashboards on the
 * very same strings.
 */
import { STAGES, type Stage } from '../http/request-context.js';

/** CloudWatch namespace of every metric. */
export const METRICS_NAMESPACE = 'FaceQuality';

/** Value of the {@link METRIC_DIMENSIONS.service} dimension. */
export const SERVICE_NAME = 'face-quality';

/** Dimension names. */
export const METRIC_DIMENSIONS = Object.freeze({
  /** Present on every metric; value {@link SERVICE_NAME}. */
  service: 'Service',
  /** The response's contract code (`1000`, `1200`, …, `404`, `500`), on {@link METRIC_NAMES.results} only. */
  resultCode: 'ResultCode',
} as const);

/** Metric names and what they count. Dimensions: `[Service]` unless noted. */
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
  /** 1 per request, dimensions `[Service, ResultCode]` (Unit Count). */
  results: 'Results',
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

type Unit = 'Milliseconds' | 'Count';

interface MetricDirective {
  readonly Namespace: string;
  readonly Dimensions: readonly (readonly string[])[];
  readonly Metrics: readonly { readonly Name: string; readonly Unit: Unit }[];
}

/** An EMF document: the `_aws` metadata plus one top-level member per dimension and metric. */
export interface EmfDocument {
  readonly _aws: { readonly Timestamp: number; readonly CloudWatchMetrics: readonly MetricDirective[] };
  readonly [member: string]: unknown;
}

/**
 * Builds the EMF document for one request. Pure.
 *
 * @param metrics what the request measured.
 * @param timestampMs epoch milliseconds of the record.
 */
export function buildEmf(metrics: RequestMetrics, timestampMs: number): EmfDocument {
  const values: Record<string, number> = {};
  const serviceMetrics: { Name: string; Unit: Unit }[] = [];
  const put = (name: string, unit: Unit, value: number): void => {
    values[name] = value;
    serviceMetrics.push({ Name: name, Unit: unit });
  };
  put(METRIC_NAMES.latency, 'Milliseconds', metrics.totalMs);
  for (const stage of STAGES) {
    const ms = metrics.stageMs[stage];
    if (ms !== undefined) put(METRIC_NAMES.stageLatency[stage], 'Milliseconds', ms);
  }
  put(METRIC_NAMES.requests, 'Count', 1);
  put(METRIC_NAMES.internalErrors, 'Count', metrics.status >= 500 ? 1 : 0);
  put(METRIC_NAMES.clientErrors, 'Count', metrics.status >= 400 && metrics.status < 500 ? 1 : 0);
  if (metrics.faceCount !== undefined) put(METRIC_NAMES.faceCount, 'Count', metrics.faceCount);
  return {
    _aws: {
      Timestamp: timestampMs,
      CloudWatchMetrics: [
        { Namespace: METRICS_NAMESPACE, Dimensions: [[METRIC_DIMENSIONS.service]], Metrics: serviceMetrics },
        {
          Namespace: METRICS_NAMESPACE,
          Dimensions: [[METRIC_DIMENSIONS.service, METRIC_DIMENSIONS.resultCode]],
          Metrics: [{ Name: METRIC_NAMES.results, Unit: 'Count' }],
        },
      ],
    },
    [METRIC_DIMENSIONS.service]: SERVICE_NAME,
    [METRIC_DIMENSIONS.resultCode]: String(metrics.resultCode),
    ...values,
    [METRIC_NAMES.results]: 1,
  };
}
