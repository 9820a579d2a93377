package io.keyspace.notifications.reactive;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.keyspace.notifications.KeyNotification;
import io.keyspace.notifications.NotificationSink;
import reactor.core.publisher.FluxSink;
import reactor.core.scheduler.Scheduler;

/**
 * One subscriber's bounded buffer between the reader threads and its demand.
 * <p>
 * The subscriber's worker is woken at the end of each burst a reader read, and within a long
 * burst as soon as an eighth of the buffer is filled, so a buffer need not hold a whole burst.
 * <p>
 * Threading: reader threads call {@link #offer} and {@link #endOfBurst} (they only queue and
 * schedule, never emit). Emitting happens in {@link #drain}, on the subscriber's worker or on
 * a thread that requests more, one drain at a time (the usual work-in-progress counter), so
 * the subscriber sees a serial sequence.
 */
final class SubscriberBuffer implements NotificationSink {

	private final FluxSink<KeyNotification> downstream;

	private final ArrayBlockingQueue<KeyNotification> queue;

	private final Scheduler.Worker worker;

	private final int wakeAt;

	private final AtomicInteger drains = new AtomicInteger();

	// One scheduled drain at a time: a burst of bursts costs one task, not one each.
	private final AtomicBoolean drainScheduled = new AtomicBoolean();

	private final Runnable scheduledDrain = () -> {
		this.drainScheduled.set(false);
		drain();
	};

	SubscriberBuffer(FluxSink<KeyNotification> downstream, int capacity, Scheduler.Worker worker) {
		this.downstream = downstream;
		this.queue = new ArrayBlockingQueue<>(capacity);
		this.worker = worker;
		this.wakeAt = Math.max(1, capacity / 8);
	}

	@Override
	public boolean offer(KeyNotification notification) {
		if (!this.queue.offer(notification)) {
			return false;
		}
		if (!this.drainScheduled.get() && this.queue.size() >= this.wakeAt) {
			endOfBurst();
		}
		return true;
	}

	@Override
	public void endOfBurst() {
		if (!this.drainScheduled.getAndSet(true)) {
			try {
				this.worker.schedule(this.scheduledDrain);
			}
			catch (RejectedExecutionException ex) {
				// disposed: the subscriber is gone, and with it the need to emit
			}
		}
	}

	/** Emits as much as was requested and is buffered. */
	void drain() {
		if (this.drains.getAndIncrement() != 0) {
			return;
		}
		int missed = 1;
		do {
			while (this.downstream.requestedFromDownstream() > 0 && !this.downstream.isCancelled()) {
				KeyNotification next = this.queue.poll();
				if (next == null) {
					break;
				}
				this.downstream.next(next);
			}
			if (this.downstream.isCancelled()) {
				this.queue.clear();
			}
			missed = this.drains.addAndGet(-missed);
		}
		while (missed != 0);
	}

	void dispose() {
		this.worker.dispose();
		this.queue.clear();
	}

}
