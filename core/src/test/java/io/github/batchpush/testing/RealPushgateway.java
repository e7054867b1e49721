package io.github.batchpush.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A {@link Pushgateway} field the real gateway is put in. A static field is shared by the test class, as with
 * {@code @TempDir}: the gateway is started before the class's first test and stopped by its PID after the last one.
 * An instance field gets a fresh gateway for each test, for tests that need an empty one.
 *
 * <pre>{@code
 * class GatewayDeliveryTest {
 *   @RealPushgateway
 *   static Pushgateway gateway;
 *
 *   @Test
 *   void pushesARun() {
 *     ... gateway.uri() ...
 *   }
 * }
 * }</pre>
 *
 * <pre>{@code
 * class MyBatchJobTest {
 *   @RealPushgateway
 *   Pushgateway gateway; // a new, empty gateway for each test
 * }
 * }</pre>
 *
 * <p>Without the binary the class (for an instance field, the test) is skipped, except under {@code CI=true}, where
 * that fails it (as {@link Pushgateway#start()} does).
 */
@Documented
@Target(ElementType.FIELD)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(PushgatewayExtension.class)
public @interface RealPushgateway {
  /** {@code --web.route-prefix}, e.g. "/pgw"; default none. */
  String routePrefix() default "";
}
