package io.github.batchpush;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the groups from the gateway's {@code GET /api/v1/metrics}, streamed with Jackson's parser: only the group
 * labels, the two push times and the max age are kept, whatever else the groups hold.
 *
 * <pre>{@code
 * {"status":"success","data":[{"labels":{"job":"a","team":""},"last_push_successful":true,
 *   "push_time_seconds":{"type":"GAUGE","metrics":[{"labels":{...},"value":"1.7956680812586458e+09"}]}, ...}]}
 * }</pre>
 */
final class GatewayGroups {
  private static final JsonFactory JSON = new JsonFactory();
  private static final String PUSH_TIME = "push_time_seconds";
  private static final String PUSH_FAILURE_TIME = "push_failure_time_seconds";

  private GatewayGroups() {}

  /**
   * The groups in {@code json}; {@code maxAgeMetric} names the metric that declares a group's max age.
   *
   * @throws GatewayReader.UnexpectedAnswerException when the answer is not that JSON (saying what was wrong)
   * @throws IOException when reading it fails
   */
  static List<GatewayGroup> parse(InputStream json, String maxAgeMetric) throws IOException {
    try {
      return groups(json, maxAgeMetric);
    } catch (JsonProcessingException e) {
      throw new GatewayReader.UnexpectedAnswerException(e.getOriginalMessage());
    }
  }

  private static List<GatewayGroup> groups(InputStream json, String maxAgeMetric) throws IOException {
    List<GatewayGroup> groups = new ArrayList<>();
    String status = null;
    try (JsonParser p = JSON.createParser(json)) {
      expect(p.nextToken(), JsonToken.START_OBJECT, "an object");
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (field.equals("status")) {
          status = p.getValueAsString();
        } else if (field.equals("data")) {
          expect(value, JsonToken.START_ARRAY, "\"data\" as an array");
          while (p.nextToken() == JsonToken.START_OBJECT) {
            groups.add(group(p, maxAgeMetric));
          }
        } else {
          p.skipChildren();
        }
      }
    }
    if (!"success".equals(status)) {
      throw new GatewayReader.UnexpectedAnswerException("status " + status + ", not success");
    }
    return groups;
  }

  private static GatewayGroup group(JsonParser p, String maxAgeMetric) throws IOException {
    Map<String, String> labels = null;
    double pushTime = 0;
    double failureTime = 0;
    Double maxAge = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      if (field.equals("labels")) {
        labels = labels(p);
      } else if (field.equals(PUSH_TIME)) {
        pushTime = orZero(value(p));
      } else if (field.equals(PUSH_FAILURE_TIME)) {
        failureTime = orZero(value(p));
      } else if (field.equals(maxAgeMetric)) {
        maxAge = value(p);
      } else {
        p.skipChildren();
      }
    }
    if (labels == null || labels.get("job") == null) {
      throw new GatewayReader.UnexpectedAnswerException("a group without a job label");
    }
    String job = labels.remove("job");
    Instant lastPush = Instant.ofEpochMilli(Math.round(Math.max(pushTime, failureTime) * 1000));
    return new GatewayGroup(job, labels, lastPush, maxAge == null || !(maxAge > 0) || maxAge.isInfinite() ? null
        : Duration.ofMillis(Math.round(maxAge * 1000)));
  }

  private static Map<String, String> labels(JsonParser p) throws IOException {
    expect(p.currentToken(), JsonToken.START_OBJECT, "\"labels\" as an object");
    Map<String, String> labels = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      labels.put(name, p.getValueAsString(""));
    }
    return labels;
  }

  /** The value of a metric's first series ({@code "metrics":[{"value":"12.5"}]}), or null when it has none. */
  private static Double value(JsonParser p) throws IOException {
    expect(p.currentToken(), JsonToken.START_OBJECT, "a metric as an object");
    Double value = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken token = p.nextToken();
      if (field.equals("metrics") && token == JsonToken.START_ARRAY) {
        while (p.nextToken() == JsonToken.START_OBJECT) {
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            if (name.equals("value") && value == null) {
              value = number(p.getValueAsString());
            } else {
              p.skipChildren();
            }
          }
        }
      } else {
        p.skipChildren();
      }
    }
    return value;
  }

  private static Double number(String text) throws IOException {
    try {
      return text == null ? null : Double.valueOf(text);
    } catch (NumberFormatException e) {
      throw new GatewayReader.UnexpectedAnswerException("a value that is not a number: '" + text + "'");
    }
  }

  private static double orZero(Double value) {
    return value == null || !Double.isFinite(value) ? 0 : value;
  }

  private static void expect(JsonToken actual, JsonToken expected, String what) throws IOException {
    if (actual != expected) {
      throw new GatewayReader.UnexpectedAnswerException("expected " + what + ", found " + actual);
    }
  }
}
