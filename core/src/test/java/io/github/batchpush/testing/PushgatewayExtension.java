package io.github.batchpush.testing;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts a real Pushgateway for each {@link RealPushgateway} field and stops it afterwards: a static field's before
 * the class's tests and after them, an instance field's around each test. Registered by the annotation; a test class
 * never names it.
 */
public final class PushgatewayExtension
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

  @Override
  public void beforeAll(ExtensionContext context) throws IllegalAccessException {
    start(fields(context, true), null);
  }

  @Override
  public void afterAll(ExtensionContext context) throws IllegalAccessException {
    stop(fields(context, true), null);
  }

  @Override
  public void beforeEach(ExtensionContext context) throws IllegalAccessException {
    start(fields(context, false), context.getRequiredTestInstance());
  }

  @Override
  public void afterEach(ExtensionContext context) throws IllegalAccessException {
    stop(fields(context, false), context.getRequiredTestInstance());
  }

  /** Sets each field on {@code owner} (null for static fields) to a started gateway. */
  private static void start(List<Field> fields, Object owner) throws IllegalAccessException {
    for (Field field : fields) {
      RealPushgateway settings = field.getAnnotation(RealPushgateway.class);
      Pushgateway gateway = settings.routePrefix().isEmpty() ? Pushgateway.start()
          : Pushgateway.startWithRoutePrefix(settings.routePrefix());
      field.set(owner, gateway);
    }
  }

  private static void stop(List<Field> fields, Object owner) throws IllegalAccessException {
    for (Field field : fields) {
      Pushgateway gateway = (Pushgateway) field.get(owner);
      if (gateway != null) {
        gateway.close();
        field.set(owner, null);
      }
    }
  }

  private static List<Field> fields(ExtensionContext context, boolean isStatic) {
    List<Field> fields = new ArrayList<>();
    for (Class<?> c = context.getRequiredTestClass(); c != null; c = c.getSuperclass()) {
      for (Field field : c.getDeclaredFields()) {
        if (!field.isAnnotationPresent(RealPushgateway.class)) {
          continue;
        }
        if (field.getType() != Pushgateway.class || Modifier.isFinal(field.getModifiers())) {
          throw new ExtensionConfigurationException("@RealPushgateway goes on a non-final Pushgateway field, not on "
              + field);
        }
        if (Modifier.isStatic(field.getModifiers()) == isStatic) {
          field.setAccessible(true);
          fields.add(field);
        }
      }
    }
    return fields;
  }
}
