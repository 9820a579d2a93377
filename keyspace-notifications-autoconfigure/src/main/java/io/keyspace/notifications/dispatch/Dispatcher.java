package io.keyspace.notifications.dispatch;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
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
 * while different keys are handled in parallel. No thread is started per message. When a
 * queue is full the {@link OverflowPolicy} decides, and every dropped notification is
 * counted and reported.
 */
public final class Dispatcher implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(Dispatcher.class);

	private static final int BATCH = 256;

	private final DispatchSettings settings;

	private final NotificationErrorHandler errorHandler;

	private final NotificationMetrics metrics;

	private final Lane[] lanes;

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
		this.lanes = new Lane[settings.concurrency()];
		int capacity = Math.max(1, settings.queueCapacity() / settings.concurrency());
		for (int i = 0; i < this.lanes.length; i++) {
			this.lanes[i] = new Lane(capacity);
		}
		for (Lane lane : this.lanes) {
			lane.thread = threadFactory.newThread(lane::run);
			lane.thread.start();
		}
	}

	/** Queues a notification for its handlers; runs on a reader thread and never runs user code. */
	public void dispatch(KeyNotification notification, KeyNotificationHandler[] handlers) {
		if (!this.accepting) {
			drop(1);
			return;
		}
		Lane lane = (this.lanes.length == 1) ? this.lanes[0]
				: this.lanes[(notification.key().hashCode() & Integer.MAX_VALUE) % this.lanes.length];
		lane.offer(new Delivery(notification, handlers));
	}

	/** Notifications waiting for a handler thread. */
	public int queued() {
		int total = 0;
		for (Lane lane : this.lanes) {
			total += lane.queue.size();
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
		for (Lane lane : this.lanes) {
			joinUntil(lane.thread, deadline);
		}
		int abandoned = 0;
		for (Lane lane : this.lanes) {
			if (lane.thread.isAlive()) {
				lane.thread.interrupt();
				joinUntil(lane.thread, System.nanoTime() + TimeUnit.SECONDS.toNanos(1));
			}
			abandoned += lane.queue.size();
			lane.queue.clear();
		}
		if (abandoned > 0) {
			this.metrics.recordDropped(abandoned);
			logger.warn("{} queued keyspace notification(s) were not handled within the shutdown timeout of {}",
					abandoned, this.settings.shutdownTimeout());
		}
	}

	private void drop(long count) {
		this.metrics.recordDropped(count);
		this.dropReport.record(count);
	}

	private void deliver(Delivery delivery) {
		for (KeyNotificationHandler handler : delivery.handlers) {
			try {
				handler.onNotification(delivery.notification);
				this.metrics.recordDelivered();
			}
			catch (Throwable ex) {
				this.metrics.recordHandlerError();
				try {
					this.errorHandler.handleError(delivery.notification, handler, ex);
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

	private record Delivery(KeyNotification notification, KeyNotificationHandler[] handlers) {
	}

	/** One handler thread and its queue. */
	private final class Lane {

		private final BlockingQueue<Delivery> queue;

		private Thread thread;

		Lane(int capacity) {
			this.queue = new ArrayBlockingQueue<>(capacity);
		}

		void offer(Delivery delivery) {
			if (this.queue.offer(delivery)) {
				return;
			}
			switch (Dispatcher.this.settings.overflow()) {
				case BLOCK -> {
					try {
						if (!this.queue.offer(delivery, Dispatcher.this.settings.blockTimeout().toNanos(),
								TimeUnit.NANOSECONDS)) {
							drop(1);
						}
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
						drop(1);
					}
				}
				case DROP_NEWEST -> drop(1);
				case DROP_OLDEST -> {
					while (!this.queue.offer(delivery)) {
						if (this.queue.poll() != null) {
							drop(1);
						}
					}
				}
			}
		}

		void run() {
			List<Delivery> batch = new ArrayList<>(BATCH);
			try {
				while (true) {
					Delivery first = this.queue.poll(100, TimeUnit.MILLISECONDS);
					if (first == null) {
						if (Dispatcher.this.stopping) {
							return;
						}
						continue;
					}
					batch.add(first);
					this.queue.drainTo(batch, BATCH - 1);
					for (int i = 0; i < batch.size(); i++) {
						if (Thread.currentThread().isInterrupted()) {
							// Interrupted past the shutdown timeout: what is left is not handled.
							Dispatcher.this.metrics.recordDropped(batch.size() - i);
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

	}

}
