package io.github.batchpush.spring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The auto-configuration's beans for runs that end outside {@code afterJob} (a context closing, an abandon) and for
 * the Boot overlap check: present by default, off with batchpush, each replaceable.
 */
class RunEndBeansTests {
  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(BatchPushAutoConfiguration.class))
      .withPropertyValues("batchpush.spool-enabled=false");

  @Test
  void providesTheInterruptedRunsTheAbandonedRunsAndTheOverlapCheckByDefault() {
    runner.run(context -> assertThat(context).hasSingleBean(InterruptedRunsOnClose.class)
        .hasSingleBean(AbandonedRuns.class).hasSingleBean(BootPushgatewayOverlap.class));
  }

  @Test
  void providesNoneOfThemWhenBatchpushIsOff() {
    runner.withPropertyValues("batchpush.enabled=false").run(context -> assertThat(context)
        .doesNotHaveBean(InterruptedRunsOnClose.class).doesNotHaveBean(AbandonedRuns.class)
        .doesNotHaveBean(BootPushgatewayOverlap.class));
  }

  @Test
  void backsOffFromTheApplicationsOwnInterruptedRuns() {
    InterruptedRunsOnClose own = new InterruptedRunsOnClose(
        new StaticListableBeanFactory().getBeanProvider(PushMetricsRegistrar.class));
    runner.withBean(InterruptedRunsOnClose.class, () -> own).run(context ->
        assertThat(context).getBean(InterruptedRunsOnClose.class).isSameAs(own));
  }
}
