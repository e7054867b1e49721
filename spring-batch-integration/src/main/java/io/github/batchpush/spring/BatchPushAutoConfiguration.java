package io.github.batchpush.spring;

import io.github.batchpush.BatchPush;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.ConfigurationPropertiesBinding;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;
import org.springframework.core.convert.converter.Converter;
import org.springframework.core.env.Environment;

/**
 * Spring Boot auto-configuration: a {@link BatchPush} from the {@code batchpush.*} properties
 * ({@link BatchPushProperties}), a {@link BatchPushJobListener} on each {@link PushMetrics @PushMetrics} job (or on
 * every job with {@code batchpush.instrument-all-jobs=true}), and a replay of the spool at start-up.
 *
 * <pre>{@code
 * # application.properties
 * batchpush.gateway.url=http://pushgateway:9091
 * batchpush.labels.env=prod
 * }</pre>
 *
 * <p>Every bean backs off when the application defines its own; {@code batchpush.enabled=false} turns it all off.
 */
@AutoConfiguration
@ConditionalOnClass({Job.class, BatchPush.class})
@ConditionalOnBooleanProperty(name = "batchpush.enabled", matchIfMissing = true)
@EnableConfigurationProperties(BatchPushProperties.class)
public final class BatchPushAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  BatchPush batchPush(BatchPushProperties properties, Environment environment) {
    BatchPush.Builder builder = BatchPush.builder();
    set("batchpush.gateway.url", gatewayUrl(properties, environment), builder::gateway);
    set("batchpush.metric-prefix", properties.getMetricPrefix(), builder::metricPrefix);
    String assignments = properties.getLabels().assignments();
    if (assignments != null) {
      // Core parses and checks its own comma form; its message names BATCHPUSH_LABELS, where it usually comes from.
      builder.environment(Map.of("BATCHPUSH_LABELS", assignments));
    }
    properties.getLabels().byName().forEach((name, value) -> set("batchpush.labels." + name, value,
        v -> builder.label(name, v)));
    credentials(properties, builder);
    set("batchpush.ca-cert", properties.getCaCert(), builder::caCertificates);
    set("batchpush.connect-timeout", properties.getConnectTimeout(), builder::connectTimeout);
    set("batchpush.read-timeout", properties.getReadTimeout(), builder::readTimeout);
    set("batchpush.deadline", properties.getDeadline(), builder::deadline);
    set("batchpush.max-age", properties.getMaxAge(), builder::maxAge);
    builder.pushAtStart(properties.isPushAtStart()).strict(properties.isStrict());
    if (!properties.isSpoolEnabled()) {
      builder.noSpool();
    } else {
      set("batchpush.spool-dir", properties.getSpoolDir(), builder::spoolDirectory);
    }
    set("batchpush.textfile-dir", properties.getTextfileDir(), builder::textfileDirectory);
    try {
      return builder.build();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Invalid batchpush.* configuration: " + e.getMessage(), e);
    }
  }

  @Bean
  @ConditionalOnMissingBean
  @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
  static PushMetricsRegistrar batchPushRegistrar(ObjectProvider<BatchPush> push, Environment environment) {
    // Read from the Environment: binding BatchPushProperties this early would create it before post-processors.
    boolean all = Binder.get(environment).bind("batchpush.instrument-all-jobs", Boolean.class).orElse(false);
    return new PushMetricsRegistrar(BatchPushConfiguration.pushOrEnvironment(push), all);
  }

  /**
   * Lets {@code BATCHPUSH_GATEWAY}, core's variable, configure Boot too: relaxed binding reads it as
   * {@code batchpush.gateway}, a scalar where {@link BatchPushProperties.Gateway} is expected.
   */
  @Bean
  @ConfigurationPropertiesBinding
  static Converter<String, BatchPushProperties.Gateway> batchPushGatewayConverter() {
    return BatchPushProperties.Gateway::of;
  }

  /** Likewise {@code BATCHPUSH_LABELS=team=billing,env=prod}, bound as the scalar {@code batchpush.labels}. */
  @Bean
  @ConfigurationPropertiesBinding
  static Converter<String, BatchPushProperties.Labels> batchPushLabelsConverter() {
    return BatchPushProperties.Labels::of;
  }

  /**
   * An explicit {@code batchpush.gateway.url} (a property, an argument, {@code BATCHPUSH_GATEWAY_URL}) wins over
   * core's {@code BATCHPUSH_GATEWAY}. The binder cannot tell: a scalar bound to {@code batchpush.gateway} through
   * the converter below beats the nested property from any source, so the explicit one is looked up here.
   */
  private static URI gatewayUrl(BatchPushProperties properties, Environment environment) {
    String explicit = environment.getProperty("batchpush.gateway.url");
    return explicit != null && !explicit.isBlank() ? URI.create(explicit.trim()) : properties.getGateway().getUrl();
  }

  @Bean
  @ConditionalOnMissingBean
  SpoolReplay batchPushSpoolReplay(ObjectProvider<BatchPush> push) {
    return new SpoolReplay(BatchPushConfiguration.pushOrEnvironment(push));
  }

  private static void credentials(BatchPushProperties p, BatchPush.Builder builder) {
    if (p.getUsername() != null) {
      if (p.getPasswordFile() != null) {
        builder.basicAuth(p.getUsername(), p.getPasswordFile());
      } else if (p.getPassword() != null) {
        builder.basicAuth(p.getUsername(), p.getPassword());
      } else {
        throw new IllegalArgumentException("Invalid batchpush.username: it needs batchpush.password or "
            + "batchpush.password-file; set one of them");
      }
    }
    if (p.getBearerTokenFile() != null) {
      builder.bearerToken(p.getBearerTokenFile());
    } else if (p.getBearerToken() != null) {
      builder.bearerToken(p.getBearerToken());
    }
  }

  /** Applies one property, naming it when core refuses its value (secrets never reach this method). */
  private static <T> void set(String key, T value, Consumer<T> setter) {
    if (value == null) {
      return;
    }
    try {
      setter.accept(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Invalid " + key + ": " + e.getMessage(), e);
    }
  }

  /** Masks batchpush's secrets in {@code /actuator/configprops} even with {@code show-values=always}. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(SanitizingFunction.class)
  static class Sanitizing {

    /** The properties, and core's environment variables as /actuator/env lists them (BATCHPUSH_PASSWORD). */
    private static final java.util.Set<String> SECRETS = java.util.Set.of("batchpush.password",
        "batchpush.bearertoken", "batchpushpassword", "batchpushbearertoken");

    @Bean
    @ConditionalOnMissingBean(name = "batchPushSanitizingFunction")
    SanitizingFunction batchPushSanitizingFunction() {
      return data -> isSecret(data) ? data.withSanitizedValue() : data;
    }

    static boolean isSecret(SanitizableData data) {
      String key = data.getKey().toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
      return SECRETS.contains(key) || key.endsWith(".batchpush.password") || key.endsWith(".batchpush.bearertoken");
    }
  }

  /** Pushes runs in flight as interrupted when the context closes (SIGTERM, SpringApplication.exit). */
  @Bean
  @ConditionalOnMissingBean
  InterruptedRunsOnClose batchPushInterruptedRuns(ObjectProvider<PushMetricsRegistrar> registrar) {
    return new InterruptedRunsOnClose(registrar);
  }

  /** Pushes executions abandoned through the application's JobOperator. */
  @Bean
  @ConditionalOnMissingBean
  @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
  static AbandonedRuns batchPushAbandonedRuns(ObjectProvider<PushMetricsRegistrar> registrar,
      ObjectProvider<JobRepository> repository) {
    return new AbandonedRuns(registrar, repository);
  }

  /** Warns when Spring Boot's own Pushgateway export would push to a group of batchpush's. */
  @Bean
  @ConditionalOnMissingBean
  BootPushgatewayOverlap batchPushBootPushgatewayOverlap(ObjectProvider<PushMetricsRegistrar> registrar,
      Environment environment) {
    return new BootPushgatewayOverlap(registrar, environment);
  }
}
