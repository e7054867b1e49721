package io.github.batchpush.spring.jobs;

import io.github.batchpush.testing.Pushgateway;
import io.github.batchpush.testing.RealPushgateway;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;

/**
 * What every sample-shaped job test has: the real gateway, the JobRepository's database (one H2 database for all of
 * them; their job names differ), and the application's JobOperator. Its configuration extends {@link JdbcBatch}.
 */
@DirtiesContext
abstract class SampleJobTest {
  @RealPushgateway
  static Pushgateway gateway;

  static final BatchTables tables = BatchTables.create();

  @Autowired
  JobOperator operator;

  /** Runs {@code job} with new parameters to its end, which must be COMPLETED. */
  JobExecution complete(Job job) throws Exception {
    JobExecution execution = operator.start(job, Steps.fresh());
    Steps.requireStatus(execution, "COMPLETED");
    return execution;
  }
}
