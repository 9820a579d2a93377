package io.keyspace.notifications.internal.reader;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends, a moment later and many at once, the subscriptions nobody waits for: a cluster
 * subscribes an exact key on every primary but waits only for its slot's owner, so the
 * others' {@code SUBSCRIBE}s need not cost each {@code subscribe} call a socket write per
 * primary, and those servers and their reader threads a wake-up each. Changes made within
 * {@link #DELAY} go out as one command per node (a node's own {@link NodeSubscriber#sync()}
 * in between takes them along, as it sends all that is due).
 * <p>
 * Threading: {@link #syncSoon} may be called from any thread, under any lock (it only marks
 * and schedules). The writes run on one daemon thread, {@code keyspace-subscribe-writer},
 * started by the first deferred sync, through each subscriber's write hand-off, so nobody
 * waits for them.
 */
public final class DeferredSyncs implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(DeferredSyncs.class);

	/** How long a deferred change may wait for others to join it before it is written. */
	public static final Duration DELAY = Duration.ofMillis(1);

	private final Set<NodeSubscriber> pending = ConcurrentHashMap.newKeySet();

	// Set while a flush is scheduled that has not started yet: a subscriber added meanwhile is
	// seen by that flush.
	private final AtomicBoolean scheduled = new AtomicBoolean();

	private ScheduledThreadPoolExecutor writer; // guarded by this; created on first use

	private boolean closed; // guarded by this

	/** Syncs the subscriber within {@link #DELAY}, together with what else is due by then. */
	public void syncSoon(NodeSubscriber subscriber) {
		if (this.pending.add(subscriber) && this.scheduled.compareAndSet(false, true)) {
			schedule();
		}
	}

	/**
	 * Stops the writer thread and waits a moment for it to end; a sync still due is dropped.
	 * Call it once the subscribers are closed: a write under way then fails at once.
	 */
	@Override
	public void close() {
		ScheduledThreadPoolExecutor stopping;
		synchronized (this) {
			this.closed = true;
			stopping = this.writer;
		}
		this.pending.clear();
		if (stopping != null) {
			stopping.shutdownNow();
			try {
				stopping.awaitTermination(1, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private void schedule() {
		ScheduledThreadPoolExecutor executor;
		synchronized (this) {
			if (this.closed) {
				return;
			}
			if (this.writer == null) {
				this.writer = new ScheduledThreadPoolExecutor(1, (runnable) -> {
					Thread thread = new Thread(runnable, "keyspace-subscribe-writer");
					thread.setDaemon(true);
					return thread;
				});
				this.writer.setRemoveOnCancelPolicy(true);
			}
			executor = this.writer;
		}
		try {
			executor.schedule(this::flush, DELAY.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			// Closed meanwhile.
		}
	}

	private void flush() {
		this.scheduled.set(false);
		for (NodeSubscriber subscriber : this.pending) {
			// Removed before it syncs: a change made after the removal schedules another flush.
			if (this.pending.remove(subscriber)) {
				try {
					subscriber.sync();
				}
				catch (RuntimeException ex) {
					// sync() leaves write errors to the reader: this would be a bug, not a network failure.
					logger.warn("Sending the subscriptions of {} failed", subscriber, ex);
				}
			}
		}
	}

}
