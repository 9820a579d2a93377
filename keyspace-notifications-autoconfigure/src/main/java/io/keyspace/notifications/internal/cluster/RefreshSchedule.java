package io.keyspace.notifications.internal.cluster;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import io.keyspace.notifications.Backoff;
import io.keyspace.notifications.KeyspaceNotificationsException;
import org.slf4j.Logger;

/**
 * When a cluster's topology is re-read: on a timer; soon after a node comes back (requests
 * merged); every {@value #FOLLOW_INTERVAL_MILLIS} ms for up to {@value #FOLLOW_LIMIT_MILLIS} ms
 * while a node reader is down, so a promotion is followed at once; and with backoff after a
 * failed attempt, logging the first failure of a run at WARN and the recovery at INFO.
 * <p>
 * Threading: every attempt runs on the scheduler's one thread, so attempts never overlap and
 * the failure count is that thread's own: no lock. An attempt reads the topology and waits for
 * confirmations over the network; the only thread that ever waits for one is a caller of
 * {@link #refreshNow()}, which asked for it (and holds no lock meanwhile).
 */
public final class RefreshSchedule {

	private static final long FOLLOW_INTERVAL_MILLIS = 200;

	/** Longer than a failover takes; after that an outage is left to the timer and the backoff. */
	private static final long FOLLOW_LIMIT_MILLIS = 30_000;

	private final ScheduledExecutorService scheduler;

	private final Backoff backoff;

	private final Attempt attempt;

	private final BooleanSupplier anyReaderDown;

	private final Logger logger;

	private final AtomicBoolean requested = new AtomicBoolean();

	private final AtomicBoolean following = new AtomicBoolean();

	// Scheduler thread only.
	private int failedAttempts;

	private boolean retryScheduled;

	/**
	 * @param scheduler the one thread every attempt runs on
	 * @param attempt reads the topology and applies it; throws to be retried
	 * @param anyReaderDown whether a node reader is down (keeps following)
	 * @param logger where failures and recoveries are logged (the user-facing category)
	 */
	public RefreshSchedule(ScheduledExecutorService scheduler, Backoff backoff, Attempt attempt,
			BooleanSupplier anyReaderDown, Logger logger) {
		this.scheduler = scheduler;
		this.backoff = backoff;
		this.attempt = attempt;
		this.anyReaderDown = anyReaderDown;
		this.logger = logger;
	}

	/** Starts the periodic refresh. */
	public void start(Duration interval) {
		long millis = interval.toMillis();
		this.scheduler.scheduleWithFixedDelay(this::refreshQuietly, millis, millis, TimeUnit.MILLISECONDS);
	}

	/**
	 * Refreshes now on the scheduler thread and waits until that is done (after whatever the
	 * scheduler is running); a failure is logged and retried, never thrown. Returns at once when
	 * the scheduler is shut down. Never call it on the scheduler thread: it would wait for itself.
	 */
	public void refreshNow() {
		Future<?> done;
		try {
			done = this.scheduler.submit(this::refreshQuietly);
		}
		catch (RejectedExecutionException ex) {
			return; // closed: nothing left to refresh
		}
		try {
			done.get();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (CancellationException ex) {
			// Closed before it ran.
		}
		catch (ExecutionException ex) {
			// refreshQuietly catches every RuntimeException: this is an Error.
			throw new IllegalStateException("Refreshing the topology failed", ex.getCause());
		}
	}

	/** Refreshes soon on the scheduler; requests made while one is pending are merged. */
	public void requestSoon() {
		if (this.requested.compareAndSet(false, true)) {
			schedule(() -> {
				this.requested.set(false);
				refreshQuietly();
			}, 0);
		}
	}

	/** A node reader is down: refresh at a short interval until every reader is up again. */
	public void follow() {
		if (this.following.compareAndSet(false, true)) {
			long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FOLLOW_LIMIT_MILLIS);
			schedule(() -> followStep(until), 0);
		}
	}

	private void followStep(long untilNanos) {
		refreshQuietly();
		if (this.anyReaderDown.getAsBoolean() && System.nanoTime() < untilNanos) {
			schedule(() -> followStep(untilNanos), FOLLOW_INTERVAL_MILLIS);
			return;
		}
		this.following.set(false);
	}

	/** One attempt; a failure is logged and retried, never thrown. Scheduler thread. */
	private void runAttempt() {
		try {
			this.attempt.run();
		}
		catch (KeyspaceNotificationsException ex) {
			retryLater(ex.getMessage());
			return;
		}
		if (this.failedAttempts > 0) {
			this.logger.info("Keyspace subscriptions on the Redis Cluster are complete again after {} failed "
					+ "attempt(s)", this.failedAttempts);
			this.failedAttempts = 0;
		}
	}

	/** Logs the first of a run of failures at WARN and schedules one retry with backoff. */
	private void retryLater(String problem) {
		this.failedAttempts++;
		if (this.failedAttempts == 1) {
			this.logger.warn("{}; retrying with backoff up to {}", problem, this.backoff.max());
		}
		else {
			this.logger.debug("Attempt {} to complete the Redis Cluster subscriptions failed: {}", this.failedAttempts,
					problem);
		}
		if (!this.retryScheduled) {
			this.retryScheduled = true;
			schedule(this::retry, this.backoff.delayMillis(this.failedAttempts));
		}
	}

	private void retry() {
		this.retryScheduled = false;
		refreshQuietly();
	}

	private void refreshQuietly() {
		try {
			runAttempt();
		}
		catch (RuntimeException ex) {
			// A scheduled task that throws is never run again; keep refreshing.
			this.logger.warn("Refreshing the Redis Cluster topology failed", ex);
		}
	}

	private void schedule(Runnable task, long delayMillis) {
		try {
			this.scheduler.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			// Closed meanwhile: nothing left to refresh.
		}
	}

	/** One refresh: read the topology and apply it. */
	@FunctionalInterface
	public interface Attempt {

		/** @throws KeyspaceNotificationsException to be retried with backoff */
		void run();

	}

}
