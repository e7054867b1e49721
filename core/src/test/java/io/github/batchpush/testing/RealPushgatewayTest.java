package io.github.batchpush.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The lifetimes {@link RealPushgateway} gives: a static field's gateway serves the whole class, an instance field's
 * only its test. The second test looks back at what the first one was given.
 */
@TestMethodOrder(OrderAnnotation.class)
class RealPushgatewayTest {
  @RealPushgateway
  static Pushgateway shared;

  @RealPushgateway
  Pushgateway own;

  private static Pushgateway sharedInFirstTest;
  private static Pushgateway ownInFirstTest;

  @Test
  @Order(1)
  void bothFieldsHoldADistinctRunningGatewayDuringATest() {
    sharedInFirstTest = shared;
    ownInFirstTest = own;
    assertThat(own.pid()).isNotEqualTo(shared.pid());
    assertThat(own.request("POST", "/metrics/job/first_test", "pushed 1\n")).isEqualTo(200);
    assertThat(shared.request("POST", "/metrics/job/first_test", "pushed 1\n")).isEqualTo(200);
  }

  @Test
  @Order(2)
  void theStaticFieldKeepsItsGatewayWhileTheInstanceFieldGetsANewEmptyOne() {
    assertThat(shared).isSameAs(sharedInFirstTest);
    assertThat(shared.value("first_test", Map.of(), "pushed")).isEqualTo(1.0);
    assertThat(own).isNotSameAs(ownInFirstTest);
    assertThat(own.value("first_test", Map.of(), "pushed")).isNull();
    assertThat(ProcessHandle.of(ownInFirstTest.pid()).map(ProcessHandle::isAlive)).as("the first test's gateway")
        .isNotEqualTo(Optional.of(true));
  }
}
