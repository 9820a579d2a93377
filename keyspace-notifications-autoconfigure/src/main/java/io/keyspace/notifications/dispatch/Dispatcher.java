package io.keyspace.notifications.dispatch;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

import io.keyspace.notifications.KeyNotification;
import io.keyspace.notifications.KeyNotificationHandler;
import io.keyspace.notifications.NotificationErrorHandler;
import io.keyspace.notifications.NotificationMetrics;
import io.keyspace.notifications.ThrottledLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands notifications from reader threads to a fixed set of handler threads.
 * <p>
 * Each handler thread owns one bounded queue; a notification goes to the queue chosen by
 * its key's hash, so notifications for one key are handled in the order Redis sent them
 * while different keys are handled in parallel. No thread is started per message. A reader
 * collects what it reads into a {@link Batch} and hands it over when its socket buffer is
 * drained, so a burst costs one lock and one wake-up per batch, not per message. When a
 * queue is full the {@link OverflowPolicy} decides, and every dropped notification is
 * counted and reported.
 */
public final class Dispatcher implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(Dispatcher.class);

	private final DispatchSettings settings;

	private final NotificationErrorHandler errorHandler;

	private final NotificationMetrics metrics;

	private final DispatchLane[] lanes;

	private final Thread[] threads;

	private final ThrottledLog dropReport;

	private volatile boolean accepting = true;

	private volatile boolean stopping;

	public Dispatcher(DispatchSettings settings, ThreadFactory threadFactory, NotificationErrorHandler errorHandler,
			NotificationMetrics metrics) {
		this.settings = settings;
		this.errorHandler = errorHandler;
		this.metrics = metrics;
		this.dropReport = new ThrottledLog(10, TimeUnit.SECONDS, (count) -> logger.warn(
				"Dropped {} keyspace notification(s) because handlers are slower than Redis (queue capacity {}, "
						+ "overflow {}). Speed up the handlers or raise keyspace-notifications.dispatch.concurrency "
						+ "or queue-capacity.", count, settings.queueCapacity(), settings.overflow()));
		this.lanes = new DispatchLane[settings.concurrency()];
		this.threads = new Thread[settings.concurrency()];
		int capacity = Math.max(1, settings.queueCapacity() / settings.concurrency());
		for (int i = 0; i < this.lanes.length; i++) {
			this.lanes[i] = new DispatchLane(capacity);
		}
		for (int i = 0; i < this.lanes.length; i++) {
			DispatchLane lane = this.lanes[i];
			this.threads[i] = threadFactory.newThread(() -> handle(lane));
			this.threads[i].start();
		}
	}

	/** A batch for one reader thread; not thread-safe. */
	public Batch newBatch() {
		return new Batch();
	}

	/** Queues one notification for its handlers at once. */
	public void dispatch(KeyNotification notification, KeyNotificationHandler[] handlers) {
		Batch batch = new Batch();
		batch.add(notification, handlers);
		batch.flush();
	}

	/** Notifications waiting for a handler thread. */
	public int queued() {
		int total = 0;
		for (DispatchLane lane : this.lanes) {
			total += lane.size();
		}
		return total;
	}

	/**
	 * Stops accepting, lets queued and running handlers finish within the shutdown timeout,
	 * then interrupts what is left and counts what was never handled.
	 */
	@Override
	public void close() {
		if (!this.accepting) {
			return;
		}
		this.accepting = false;
		this.stopping = true;
		long deadline = System.nanoTime() + this.settings.shutdownTimeout().toNanos();
		for (Thread thread : this.threads) {
			joinUntil(thread, deadline);
		}
		int abandoned = 0;
		for (int i = 0; i < this.lanes.length; i++) {
			if (this.threads[i].isAlive()) {
				this.threads[i].interrupt();
				joinUntil(this.threads[i], System.nanoTime() + TimeUnit.SECONDS.toNanos(1));
			}
			abandoned += this.lanes[i].clear().size();
		}
		if (abandoned > 0) {
			this.metrics.recordDropped(abandoned);
			logger.warn("{} queued keyspace notification(s) were not handled within the shutdown timeout of {}",
					abandoned, this.settings.shutdownTimeout());
		}
	}

	/** Same key, same lane: that is what keeps one key's notifications in order. */
	private int laneIndex(KeyNotification notification) {
		return (this.lanes.length == 1) ? 0 : (notification.keyHash() & Integer.MAX_VALUE) % this.lanes.length;
	}

	private void drop(long count) {
		this.metrics.recordDropped(count);
		this.dropReport.record(count);
	}

	/** The loop of one handler thread. */
	private void handle(DispatchLane lane) {
		List<Delivery> batch = new ArrayList<>();
		try {
			while (true) {
				lane.drainTo(batch, 100, TimeUnit.MILLISECONDS);
				if (batch.isEmpty()) {
					if (this.stopping) {
						return;
					}
					continue;
				}
				for (int i = 0; i < batch.size(); i++) {
					if (Thread.currentThread().isInterrupted()) {
						// Interrupted past the shutdown timeout: what is left is not handled.
						this.metrics.recordDropped(batch.size() - i);
						return;
					}
					deliver(batch.get(i));
				}
				batch.clear();
			}
		}
		catch (InterruptedException ex) {
			// interrupted while idle: nothing was taken from the queue
		}
	}

	private void deliver(Delivery delivery) {
		for (KeyNotificationHandler handler : delivery.handlers()) {
			try {
				handler.onNotification(delivery.notification());
				this.metrics.recordDelivered();
			}
			catch (Throwable ex) {
				this.metrics.recordHandlerError();
				try {
					this.errorHandler.handleError(delivery.notification(), handler, ex);
				}
				catch (Throwable errorHandlerFailure) {
					logger.error("The keyspace notification error handler failed", errorHandlerFailure);
				}
			}
		}
	}

	private static void joinUntil(Thread thread, long deadlineNanos) {
		long remainingMillis = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
		try {
			thread.join(Math.max(remainingMillis, 1));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Notifications one reader has read but not yet handed over, sorted by lane. The reader
	 * calls {@link #flush()} whenever it has nothing more to read without waiting.
	 */
	public final class Batch {

		private final List<List<Delivery>> pending = new ArrayList<>();

		private int size;

		private Batch() {
			for (int i = 0; i < Dispatcher.this.lanes.length; i++) {
				this.pending.add(new ArrayList<>());
			}
		}

		public void add(KeyNotification notification, KeyNotificationHandler[] handlers) {
			this.pending.get(laneIndex(notification)).add(new Delivery(notification, handlers));
			this.size++;
		}

		public boolean isEmpty() {
			return this.size == 0;
		}

		/** Hands everything over to the handler threads. */
		public void flush() {
			if (this.size == 0) {
				return;
			}
			for (int i = 0; i < this.pending.size(); i++) {
				List<Delivery> deliveries = this.pending.get(i);
				if (deliveries.isEmpty()) {
					continue;
				}
				int dropped = Dispatcher.this.accepting
						? Dispatcher.this.lanes[i].offerAll(deliveries, Dispatcher.this.settings.overflow(),
								Dispatcher.this.settings.blockTimeout().toNanos())
						: deliveries.size();
				if (dropped > 0) {
					drop(dropped);
				}
				deliveries.clear();
			}
			this.size = 0;
		}

	}

}
