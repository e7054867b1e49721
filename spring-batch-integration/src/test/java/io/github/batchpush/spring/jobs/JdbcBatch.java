package io.github.batchpush.spring.jobs;

import io.github.batchpush.BatchPush;
import io.github.batchpush.spring.EnableBatchPush;
import io.github.batchpush.testing.Pushgateway;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import javax.sql.DataSource;
import org.springframework.batch.core.configuration.annotation.EnableBatchProcessing;
import org.springframework.batch.core.configuration.annotation.EnableJdbcJobRepository;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.support.JdbcTransactionManager;

/**
 * Spring Batch on a JDBC JobRepository, as the samples module sets it up, with batchpush turned on the plain-Spring
 * way. A test's configuration extends it from inside the test class, whose static {@link BatchTables} field (its own
 * or {@link SampleJobTest}'s) is the database and whose static {@code @RealPushgateway} field the gateway.
 */
@EnableBatchProcessing
@EnableJdbcJobRepository
@EnableBatchPush
abstract class JdbcBatch {

  @Bean
  DataSource dataSource() {
    return testField(BatchTables.class).dataSource();
  }

  @Bean
  JdbcTransactionManager transactionManager(DataSource dataSource) {
    return new JdbcTransactionManager(dataSource);
  }

  @Bean
  BatchPush batchPush() {
    return BatchPush.builder().gateway(testField(Pushgateway.class).uri()).noSpool().build();
  }

  /** The static field of this type of the enclosing test class (or of a class it extends). */
  private <T> T testField(Class<T> type) {
    for (Class<?> c = getClass().getEnclosingClass(); c != null; c = c.getSuperclass()) {
      for (Field field : c.getDeclaredFields()) {
        if (Modifier.isStatic(field.getModifiers()) && field.getType() == type) {
          try {
            field.setAccessible(true);
            return type.cast(field.get(null));
          } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
          }
        }
      }
    }
    throw new IllegalStateException(getClass().getEnclosingClass() + " has no static " + type.getSimpleName()
        + " field");
  }
}
