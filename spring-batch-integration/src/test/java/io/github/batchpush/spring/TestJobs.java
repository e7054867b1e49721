package io.github.batchpush.spring;

import java.util.ArrayList;
import java.util.List;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.item.support.ListItemReader;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/** Small real jobs shared by the tests. */
final class TestJobs {
  private TestJobs() {}

  /**
   * A chunk step "load" that reads {@code items} strings; items starting with "bad" fail in the processor and are
   * skipped; the rest are written.
   */
  static Step chunkStep(String name, JobRepository repository, List<String> items) {
    return new StepBuilder(name, repository).<String, String>chunk(5)
        .reader(new ListItemReader<>(new ArrayList<>(items)))
        .processor(item -> {
          if (item.startsWith("bad")) {
            throw new IllegalArgumentException("bad item " + item);
          }
          return item.toUpperCase();
        })
        .writer(chunk -> { })
        .faultTolerant()
        .skip(IllegalArgumentException.class)
        .skipLimit(10)
        .build();
  }

  static Step taskletStep(String name, JobRepository repository, Tasklet tasklet) {
    return new StepBuilder(name, repository).tasklet(tasklet).build();
  }

  static Step doneStep(String name, JobRepository repository) {
    return taskletStep(name, repository, (contribution, context) -> RepeatStatus.FINISHED);
  }

  static Job job(String name, JobRepository repository, Step first, Step... rest) {
    var flow = new JobBuilder(name, repository).start(first);
    for (Step step : rest) {
      flow = flow.next(step);
    }
    return flow.build();
  }
}
