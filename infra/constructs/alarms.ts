import { Duration } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import {
  METRIC_DIMENSIONS,
  METRIC_NAMES,
  METRICS_NAMESPACE,
  SERVICE_NAME,
} from '../../lambda/observability/metrics.js';

export interface AlarmsProps {
  readonly api: RestApi;
  /** The function (its metrics cover every version and alias). */
  readonly fn: IFunction;
  readonly alarmEmail: string | undefined;
  /** API 5XXError rate threshold, percent of requests. */
  readonly fiveXxRatePercent: number;
  /** Function p95 duration threshold, milliseconds. */
  readonly p95DurationMs: number;
}

/** Evaluation period of every alarm. */
const PERIOD = Duration.minutes(5);

/**
 * Operational alarms, all notifying one SNS topic (optionally with an email subscription):
 * API 5xx rate, function throttles, function p95 duration, function errors (crashes, timeouts,
 * failed init: the handler itself never throws) and the handler's own count of 5xx answers
 * (EMF metric `InternalErrors`).
 */
export class Alarms extends Construct {
  readonly topic: Topic;
  readonly apiServerErrorRate: Alarm;
  readonly functionThrottles: Alarm;
  readonly functionP95Duration: Alarm;
  readonly functionErrors: Alarm;
  readonly internalErrors: Alarm;

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    this.topic = new Topic(this, 'Topic', { displayName: 'face-quality alarms', enforceSSL: true });
    if (props.alarmEmail !== undefined) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));

    // API Gateway's 5XXError is 0/1 per request, so its Average is the error rate.
    this.apiServerErrorRate = new Alarm(this, 'ApiServerErrorRate', {
      alarmDescription: `More than ${props.fiveXxRatePercent}% of API requests answered 5xx`,
      metric: props.api.metricServerError({ statistic: 'Average', period: PERIOD }),
      threshold: props.fiveXxRatePercent / 100,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.functionThrottles = new Alarm(this, 'FunctionThrottles', {
      alarmDescription: 'Lambda throttled invocations (concurrency limit reached)',
      metric: props.fn.metricThrottles({ statistic: 'Sum', period: PERIOD }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.functionP95Duration = new Alarm(this, 'FunctionP95Duration', {
      alarmDescription: `Lambda p95 duration above ${props.p95DurationMs} ms`,
      metric: props.fn.metricDuration({ statistic: 'p95', period: PERIOD }),
      threshold: props.p95DurationMs,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.functionErrors = new Alarm(this, 'FunctionErrors', {
      alarmDescription: 'Lambda invocation errors (crash, timeout or failed init)',
      metric: props.fn.metricErrors({ statistic: 'Sum', period: PERIOD }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.internalErrors = new Alarm(this, 'InternalErrors', {
      alarmDescription: 'The handler answered 5xx (KMS unavailable, model failure)',
      metric: new Metric({
        namespace: METRICS_NAMESPACE,
        metricName: METRIC_NAMES.internalErrors,
        dimensionsMap: { [METRIC_DIMENSIONS.service]: SERVICE_NAME },
        statistic: 'Sum',
        period: PERIOD,
      }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    const action = new SnsAction(this.topic);
    for (const alarm of [
      this.apiServerErrorRate,
      this.functionThrottles,
      this.functionP95Duration,
      this.functionErrors,
      this.internalErrors,
    ]) {
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }
  }
}
