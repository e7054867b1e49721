package io.github.batchpush.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Pushes every execution of the annotated Spring Batch job to the Pushgateway.
 *
 * <pre>{@code
 * @Bean
 * @PushMetrics(labels = "team=billing", maxAge = "26h")
 * Job invoiceJob(JobRepository repository, Step export) {
 *   return new JobBuilder("invoice", repository).start(export).build();
 * }
 * }</pre>
 *
 * <p>Put it on a {@code @Bean} method that returns a {@link org.springframework.batch.core.job.Job} or on a
 * {@code Job} class. The auto-configuration (or {@link EnableBatchPush}) registers a {@link BatchPushJobListener}
 * on exactly the annotated jobs; adding the listener by hand as well still records each execution once. Bad values
 * fail the application context at start-up with a message naming the job bean and the value.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface PushMetrics {

  /** The group's {@code job} label; default: the Spring Batch job name. */
  String job() default "";

  /** Extra grouping labels for this job, each {@code "key=value"}, e.g. {@code {"team=billing", "env=prod"}}. */
  String[] labels() default {};

  /**
   * The freshness SLO: how old the last success may be, such as {@code "26h"}, {@code "90m"} or {@code "PT26H"};
   * default: none (or {@code batchpush.max-age}).
   */
  String maxAge() default "";

  /**
   * Job parameters that become grouping labels of the same name, valued per execution (empty when an execution
   * lacks the parameter), e.g. {@code {"region"}}: concurrent executions with different parameters then keep their
   * own groups instead of sharing one, which holds whichever execution finished last.
   */
  String[] parameterLabels() default {};
}
