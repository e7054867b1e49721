package io.github.batchpush.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.context.annotation.Import;

/**
 * Turns on batchpush in a plain Spring application (without Spring Boot): {@link PushMetrics @PushMetrics} jobs
 * get a {@link BatchPushJobListener}, and the spool is replayed once at start-up.
 *
 * <pre>{@code
 * @Configuration
 * @EnableBatchPush
 * class BatchConfig {
 *   @Bean
 *   BatchPush batchPush() {
 *     return BatchPush.builder().gateway(URI.create("http://pushgateway:9091")).build();
 *   }
 *
 *   @Bean
 *   @PushMetrics(maxAge = "26h")
 *   Job nightly(JobRepository repository, Step step) {
 *     return new JobBuilder("nightly", repository).start(step).build();
 *   }
 * }
 * }</pre>
 *
 * <p>The {@code BatchPush} bean is used when there is one; otherwise
 * {@link io.github.batchpush.BatchPush#fromEnvironment()} configures it from {@code BATCHPUSH_*} variables. With Spring Boot the auto-configuration does the same from
 * {@code batchpush.*} properties, and this annotation is not needed.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Import(BatchPushConfiguration.class)
public @interface EnableBatchPush {

  /** Registers the listener on every job, annotated or not. */
  boolean instrumentAllJobs() default false;
}
