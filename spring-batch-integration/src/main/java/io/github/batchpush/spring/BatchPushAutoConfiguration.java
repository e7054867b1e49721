package io.github.batchpush.spring;

import io.github.batchpush.BatchPush;
import io.github.batchpush.Setting;
import java.util.Locale;
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
    BatchPush.Builder builder = BatchPush.builder().keyNames(BatchPushAutoConfiguration::property);
    set(builder, Setting.GATEWAY, gatewayUrl(properties, environment));
    set(builder, Setting.USERNAME, properties.getUsername());
    set(builder, Setting.PASSWORD, properties.getPassword());
    set(builder, Setting.PASSWORD_FILE, properties.getPasswordFile());
    set(builder, Setting.BEARER_TOKEN, properties.getBearerToken());
    set(builder, Setting.BEARER_TOKEN_FILE, properties.getBearerTokenFile());
    set(builder, Setting.CA_CERT, properties.getCaCert());
    set(builder, Setting.METRIC_PREFIX, properties.getMetricPrefix());
    set(builder, Setting.CONNECT_TIMEOUT, properties.getConnectTimeout());
    set(builder, Setting.READ_TIMEOUT, properties.getReadTimeout());
    set(builder, Setting.DEADLINE, properties.getDeadline());
    set(builder, Setting.TEXTFILE_DIR, properties.getTextfileDir());
    properties.getLabels().forEach((name, value) -> label(builder, name, value));
    if (properties.isSpoolEnabled()) {
      set(builder, Setting.SPOOL_DIR, properties.getSpoolDir());
    } else {
      builder.noSpool();
    }
    if (properties.getMaxAge() != null) {
      builder.maxAge(properties.getMaxAge());
    }
    return builder.pushAtStart(properties.isPushAtStart()).strict(properties.isStrict()).build();
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
  static LabelAssignmentsConverter batchPushLabelsConverter() {
    return new LabelAssignmentsConverter();
  }

  /**
   * An explicit {@code batchpush.gateway.url} (a property, an argument, {@code BATCHPUSH_GATEWAY_URL}) wins over
   * core's {@code BATCHPUSH_GATEWAY}. The binder cannot tell: a scalar bound to {@code batchpush.gateway} through
   * the converter below beats the nested property from any source, so the explicit one is looked up here.
   */
  private static String gatewayUrl(BatchPushProperties properties, Environment environment) {
    String explicit = environment.getProperty("batchpush.gateway.url");
    return explicit != null && !explicit.isBlank() ? explicit : properties.getGateway().getUrl();
  }

  @Bean
  @ConditionalOnMissingBean
  SpoolReplay batchPushSpoolReplay(ObjectProvider<BatchPush> push) {
    return new SpoolReplay(BatchPushConfiguration.pushOrEnvironment(push));
  }

  /** The property that stands for each setting of core's table, which messages name. */
  static String property(Setting setting) {
    switch (setting) {
      case GATEWAY: return "batchpush.gateway.url";
      case LABELS: return "batchpush.labels";
      default: return "batchpush." + setting.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /** Applies one property one to one; core checks the value, and its message names the property. */
  private static void set(BatchPush.Builder builder, Setting setting, Object value) {
    if (value != null) {
      builder.set(setting, value.toString(), property(setting));
    }
  }

  private static void label(BatchPush.Builder builder, String name, String value) {
    try {
      builder.label(name, value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Invalid batchpush.labels." + name + ": " + e.getMessage(), e);
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

  /** Declares every watched job that has a max age on the gateway at start-up. */
  @Bean
  @ConditionalOnMissingBean
  JobRegistrations batchPushJobRegistrations(ObjectProvider<PushMetricsRegistrar> registrar) {
    return new JobRegistrations(registrar);
  }

  /** Warns when Spring Boot's own Pushgateway export would push to a group of batchpush's. */
  @Bean
  @ConditionalOnMissingBean
  BootPushgatewayOverlap batchPushBootPushgatewayOverlap(ObjectProvider<PushMetricsRegistrar> registrar,
      Environment environment) {
    return new BootPushgatewayOverlap(registrar, environment);
  }
}
