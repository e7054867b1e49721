package io.github.batchpush.testing;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts a real Pushgateway for each static {@link RealPushgateway} field before the class's tests and stops it after
 * them. Registered by the annotation; a test class never names it.
 */
public final class PushgatewayExtension implements BeforeAllCallback, AfterAllCallback {

  @Override
  public void beforeAll(ExtensionContext context) throws IllegalAccessException {
    for (Field field : fields(context)) {
      RealPushgateway settings = field.getAnnotation(RealPushgateway.class);
      Pushgateway gateway = settings.routePrefix().isEmpty() ? Pushgateway.start()
          : Pushgateway.startWithRoutePrefix(settings.routePrefix());
      field.set(null, gateway);
    }
  }

  @Override
  public void afterAll(ExtensionContext context) throws IllegalAccessException {
    for (Field field : fields(context)) {
      Pushgateway gateway = (Pushgateway) field.get(null);
      if (gateway != null) {
        gateway.close();
        field.set(null, null);
      }
    }
  }

  private static Iterable<Field> fields(ExtensionContext context) {
    java.util.List<Field> fields = new java.util.ArrayList<>();
    for (Class<?> c = context.getRequiredTestClass(); c != null; c = c.getSuperclass()) {
      for (Field field : c.getDeclaredFields()) {
        if (!field.isAnnotationPresent(RealPushgateway.class)) {
          continue;
        }
        if (!Modifier.isStatic(field.getModifiers()) || field.getType() != Pushgateway.class) {
          throw new ExtensionConfigurationException("@RealPushgateway goes on a static Pushgateway field, not on "
              + field);
        }
        field.setAccessible(true);
        fields.add(field);
      }
    }
    return fields;
  }
}
