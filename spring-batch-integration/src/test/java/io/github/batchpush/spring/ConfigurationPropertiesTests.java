package io.github.batchpush.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import io.github.batchpush.Setting;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.autoconfigure.context.properties.ConfigurationPropertiesReportEndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.context.properties.ConfigurationPropertiesReportEndpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** What IDEs and {@code /actuator/configprops} see of the {@code batchpush.*} properties. */
class ConfigurationPropertiesTests {
  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(BatchPushAutoConfiguration.class, EndpointAutoConfiguration.class,
          ConfigurationPropertiesReportEndpointAutoConfiguration.class))
      .withPropertyValues("batchpush.spool-enabled=false", "management.endpoints.web.exposure.include=configprops",
          "management.endpoint.configprops.show-values=always");

  @Test
  void theGeneratedMetadataListsEveryProperty() throws Exception {
    try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      List<String> names = new ArrayList<>();
      new ObjectMapper().readTree(in).get("properties").forEach(p -> names.add(p.get("name").asText()));
      assertThat(names).containsExactlyInAnyOrder("batchpush.enabled", "batchpush.gateway.url",
          "batchpush.username", "batchpush.password", "batchpush.password-file", "batchpush.bearer-token",
          "batchpush.bearer-token-file", "batchpush.ca-cert", "batchpush.connect-timeout", "batchpush.read-timeout",
          "batchpush.deadline", "batchpush.labels", "batchpush.metric-prefix", "batchpush.instrument-all-jobs",
          "batchpush.push-at-start", "batchpush.max-age", "batchpush.strict", "batchpush.spool-enabled",
          "batchpush.spool-dir", "batchpush.textfile-dir");
    }
  }

  @Test
  void theMetadataShowsCoresDefaultsForEverySettingThatHasOne() throws Exception {
    Map<String, String> defaults = new HashMap<>();
    try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      new ObjectMapper().readTree(in).get("properties").forEach(p -> {
        if (p.has("defaultValue")) {
          defaults.put(p.get("name").asText(), p.get("defaultValue").asText());
        }
      });
    }
    for (Setting setting : Setting.values()) {
      String property = BatchPushAutoConfiguration.property(setting);
      if (setting.defaultValue() != null && setting != Setting.SPOOL_DIR) {
        assertThat(defaults).as(property).containsEntry(property, setting.defaultValue());
      } else {
        assertThat(defaults).as(property).doesNotContainKey(property);
      }
    }
  }

  @Test
  void configpropsMasksThePasswordEvenWhenShowingValues() {
    runner.withPropertyValues("batchpush.username=batch", "batchpush.password=hunter2-secret").run(context -> {
      Map<String, Object> properties = batchpush(context.getBean(ConfigurationPropertiesReportEndpoint.class));
      assertThat(properties).containsEntry("username", "batch").containsEntry("password", "******");
      assertThat(context.getBean(ConfigurationPropertiesReportEndpoint.class).configurationProperties().toString())
          .doesNotContain("hunter2-secret");
    });
  }

  @Test
  void configpropsMasksTheBearerTokenEvenWhenShowingValues() {
    runner.withPropertyValues("batchpush.bearer-token=t0ken-secret").run(context -> {
      Map<String, Object> properties = batchpush(context.getBean(ConfigurationPropertiesReportEndpoint.class));
      assertThat(properties).containsEntry("bearerToken", "******");
    });
  }

  @Test
  void theSecretsAreMaskedUnderEveryNameTheEndpointsShowThemBy() {
    for (String key : new String[] {"batchpush.password", "batchpush.bearer-token", "BATCHPUSH_PASSWORD",
        "BATCHPUSH_BEARER_TOKEN", "spring.application.json.batchpush.password"}) {
      assertThat(BatchPushAutoConfiguration.Sanitizing.isSecret(
          new org.springframework.boot.actuate.endpoint.SanitizableData(null, key, "x"))).as(key).isTrue();
    }
    for (String key : new String[] {"batchpush.username", "BATCHPUSH_USERNAME", "batchpush.password-file",
        "BATCHPUSH_PASSWORD_FILE", "BATCHPUSH_GATEWAY"}) {
      assertThat(BatchPushAutoConfiguration.Sanitizing.isSecret(
          new org.springframework.boot.actuate.endpoint.SanitizableData(null, key, "x"))).as(key).isFalse();
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> batchpush(ConfigurationPropertiesReportEndpoint endpoint) {
    var contexts = endpoint.configurationProperties().getContexts();
    for (var context : contexts.values()) {
      for (var bean : context.getBeans().entrySet()) {
        if (bean.getKey().startsWith("batchpush-")) {
          return bean.getValue().getProperties();
        }
      }
    }
    throw new AssertionError("no batchpush bean in " + contexts);
  }
}
