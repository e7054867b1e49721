package io.github.batchpush.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A static {@link Pushgateway} field that the test class shares: the real gateway is started before the class's
 * first test and stopped by its PID after the last one.
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
 * <p>Without the binary the class is skipped, except under {@code CI=true}, where that fails it (as
 * {@link Pushgateway#start()} does).
 */
@Documented
@Target(ElementType.FIELD)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(PushgatewayExtension.class)
public @interface RealPushgateway {
  /** {@code --web.route-prefix}, e.g. "/pgw"; default none. */
  String routePrefix() default "";
}
