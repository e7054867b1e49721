package io.github.batchpush.spring.jobs;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

/**
 * A JDBC JobRepository's database (in-memory H2 with Spring Batch's own schema), and what its tables say, read
 * with plain SQL: the tests' expectations come from here, not from the code under test.
 */
public final class BatchTables {
  private static final AtomicInteger NEXT = new AtomicInteger();

  private final DataSource dataSource;
  private final JdbcTemplate jdbc;

  private BatchTables(DataSource dataSource) {
    this.dataSource = dataSource;
    this.jdbc = new JdbcTemplate(dataSource);
  }

  /**
   * A fresh database with the batch schema. It outlives any application context (H2 keeps it until the JVM ends
   * and nothing closes it), so a test can read it after the context is gone.
   */
  public static BatchTables create() {
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:mem:batch" + NEXT.incrementAndGet() + ";DB_CLOSE_DELAY=-1");
    new ResourceDatabasePopulator(new ClassPathResource("org/springframework/batch/core/schema-h2.sql"))
        .execute(h2);
    return new BatchTables(h2);
  }

  /** The tables of the database at {@code jdbcUrl}, e.g. the file database a separate JVM used. */
  public static BatchTables at(String jdbcUrl) {
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL(jdbcUrl);
    return new BatchTables(h2);
  }

  public DataSource dataSource() {
    return dataSource;
  }

  /** The job execution as BATCH_JOB_EXECUTION holds it. */
  public JobRow job(long executionId) {
    return jdbc.queryForObject("SELECT STATUS, EXIT_CODE, END_TIME FROM BATCH_JOB_EXECUTION WHERE JOB_EXECUTION_ID = ?",
        (rs, i) -> new JobRow(rs.getString(1), rs.getString(2), rs.getObject(3, LocalDateTime.class)), executionId);
  }

  /** The newest execution of {@code jobName}. */
  public long lastExecutionId(String jobName) {
    return jdbc.queryForObject("SELECT MAX(E.JOB_EXECUTION_ID) FROM BATCH_JOB_EXECUTION E JOIN BATCH_JOB_INSTANCE I"
        + " ON E.JOB_INSTANCE_ID = I.JOB_INSTANCE_ID WHERE I.JOB_NAME = ?", Long.class, jobName);
  }

  /** The step executions of one job execution, in the order they were created. */
  public List<StepRow> steps(long executionId) {
    return jdbc.query("SELECT STEP_NAME, STATUS, EXIT_CODE, READ_COUNT, WRITE_COUNT,"
            + " READ_SKIP_COUNT + PROCESS_SKIP_COUNT + WRITE_SKIP_COUNT, START_TIME, END_TIME"
            + " FROM BATCH_STEP_EXECUTION WHERE JOB_EXECUTION_ID = ? ORDER BY STEP_EXECUTION_ID",
        (rs, i) -> new StepRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5),
            rs.getLong(6), seconds(rs.getObject(7, LocalDateTime.class), rs.getObject(8, LocalDateTime.class))),
        executionId);
  }

  private static double seconds(LocalDateTime start, LocalDateTime end) {
    return start == null || end == null ? 0 : Duration.between(start, end).toNanos() / 1e9;
  }

  /** One row of BATCH_JOB_EXECUTION. */
  public record JobRow(String status, String exitCode, LocalDateTime endTime) {
    /** The exit code batchpush documents for this status and exit status. */
    public double documentedExitCode() {
      return DocumentedExitCodes.of(status, exitCode);
    }
  }

  /** One row of BATCH_STEP_EXECUTION; {@code seconds} is END_TIME - START_TIME, 0 while it runs. */
  public record StepRow(String name, String status, String exitCode, long read, long written, long skipped,
      double seconds) {
    public double documentedExitCode() {
      return DocumentedExitCodes.of(status, exitCode);
    }
  }
}
