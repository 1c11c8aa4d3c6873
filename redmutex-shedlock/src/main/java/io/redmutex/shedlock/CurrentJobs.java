package io.redmutex.shedlock;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.OptionalLong;

/**
 * The ShedLock locks the calling thread took through a {@link RedMutexLockProvider} and still runs
 * under, innermost last: ShedLock runs a job on the thread that took its lock. Entries of jobs that
 * finished on another thread, or whose lease ended, are dropped when next seen.
 */
final class CurrentJobs {
  private static final ThreadLocal<Deque<JobLease>> JOBS = new ThreadLocal<>();

  private CurrentJobs() {}

  static void started(JobLease lease) {
    Deque<JobLease> jobs = JOBS.get();
    if (jobs == null) {
      jobs = new ArrayDeque<>();
      JOBS.set(jobs);
    }
    jobs.addLast(lease);
  }

  static void finished(JobLease lease) {
    Deque<JobLease> jobs = JOBS.get();
    if (jobs != null) {
      jobs.removeLastOccurrence(lease);
      if (jobs.isEmpty()) {
        JOBS.remove();
      }
    }
  }

  /** The innermost running job's lease on this thread, by name when {@code name} is not null. */
  static OptionalLong fencingToken(String name) {
    Deque<JobLease> jobs = JOBS.get();
    if (jobs == null) {
      return OptionalLong.empty();
    }
    OptionalLong token = OptionalLong.empty();
    for (Iterator<JobLease> it = jobs.descendingIterator(); it.hasNext(); ) {
      JobLease job = it.next();
      if (!job.isRunning()) {
        it.remove();
      } else if (token.isEmpty() && (name == null || name.equals(job.jobName()))) {
        token = OptionalLong.of(job.fencingToken());
      }
    }
    if (jobs.isEmpty()) {
      JOBS.remove();
    }
    return token;
  }
}
