package io.github.batchpush.spring.jobs;

import io.github.batchpush.spring.EnableBatchPush;
import javax.sql.DataSource;
import org.springframework.batch.core.configuration.annotation.EnableBatchProcessing;
import org.springframework.batch.core.configuration.annotation.EnableJdbcJobRepository;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.support.JdbcTransactionManager;

/**
 * Spring Batch on a JDBC JobRepository, as the samples module sets it up, with batchpush turned on the plain-Spring
 * way. The importing test supplies the {@code DataSource} (from {@link BatchTables}) and the {@code BatchPush}.
 */
@Configuration(proxyBeanMethods = false)
@EnableBatchProcessing
@EnableJdbcJobRepository
@EnableBatchPush
class JdbcBatch {

  @Bean
  JdbcTransactionManager transactionManager(DataSource dataSource) {
    return new JdbcTransactionManager(dataSource);
  }
}
