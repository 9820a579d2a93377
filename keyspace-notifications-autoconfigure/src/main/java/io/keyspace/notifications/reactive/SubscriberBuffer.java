package io.keyspace.notifications.reactive;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

import io.keyspace.notifications.KeyNotification;
import io.keyspace.notifications.NotificationSink;
import reactor.core.publisher.FluxSink;
import reactor.core.scheduler.Scheduler;

/**
 * One subscriber's bounded buffer between the reader threads and its demand.
 * <p>
 * The subscriber's worker is woken at the end of each burst a reader read, and within a long
 * burst after an eighth of the buffer was offered since the last wake-up, so a buffer need not
 * hold a whole burst. The consumer side takes up to {@value #MAX_TAKE} notifications per lock.
 * The buffer grows with what it holds, up to its capacity, so an idle subscriber of a large
 * buffer costs little memory.
 * What does not fit is refused (the library counts it) and reported as this subscriber's
 * overflow gap ({@link OverflowEpisodes}).
 * <p>
 * Threading: reader threads call {@link #offer} and {@link #endOfBurst} (they only queue and
 * schedule, never emit). Emitting happens in {@link #drain}, on the subscriber's worker or on
 * a thread that requests more, one drain at a time (the usual work-in-progress counter), so
 * the subscriber sees a serial sequence.
 */
final class SubscriberBuffer implements NotificationSink {

	private static final int MAX_TAKE = 256;

	private final FluxSink<KeyNotification> downstream;

	private final ReentrantLock lock = new ReentrantLock();

	private final ArrayDeque<KeyNotification> queue = new ArrayDeque<>(); // guarded by lock

	private final int capacity;

	private final Scheduler.Worker worker;

	private final int wakeAfter;

	private final OverflowEpisodes overflows;

	// An overflow episode ends when a notification fits with the buffer at most half full: one
	// that merely fits into the slot the subscriber just freed is still the same episode.
	private final int halfCapacity;

	// Offers since the last wake-up. Racy across the readers of a cluster on purpose: it only
	// decides when to wake early, and a lost increment wakes a little later.
	private int offeredSinceWake;

	private final AtomicInteger drains = new AtomicInteger();

	// One scheduled drain at a time: a burst of bursts costs one task, not one each.
	private final AtomicBoolean drainScheduled = new AtomicBoolean();

	private final Runnable scheduledDrain = () -> {
		this.drainScheduled.set(false);
		drain();
	};

	private final List<KeyNotification> taken = new ArrayList<>(MAX_TAKE); // used by the one running drain

	SubscriberBuffer(FluxSink<KeyNotification> downstream, int capacity, Scheduler.Worker worker,
			OverflowEpisodes overflows) {
		this.downstream = downstream;
		this.capacity = capacity;
		this.worker = worker;
		this.wakeAfter = Math.max(1, capacity / 8);
		this.overflows = overflows;
		this.halfCapacity = capacity / 2;
	}

	@Override
	public boolean offer(KeyNotification notification) {
		int size;
		this.lock.lock();
		try {
			size = this.queue.size();
			if (size < this.capacity) {
				this.queue.addLast(notification);
			}
		}
		finally {
			this.lock.unlock();
		}
		if (size >= this.capacity) {
			this.overflows.refused(notification.node());
			return false;
		}
		if (size <= this.halfCapacity && this.overflows.anyOpen()) {
			this.overflows.taken(notification.node());
		}
		if (++this.offeredSinceWake >= this.wakeAfter) {
			endOfBurst();
		}
		return true;
	}

	@Override
	public void endOfBurst() {
		this.offeredSinceWake = 0;
		if (!this.drainScheduled.get() && !this.drainScheduled.getAndSet(true)) {
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
			long requested;
			while ((requested = this.downstream.requestedFromDownstream()) > 0 && !this.downstream.isCancelled()
					&& take((int) Math.min(requested, MAX_TAKE)) > 0) {
				for (KeyNotification notification : this.taken) {
					this.downstream.next(notification);
				}
				this.taken.clear();
			}
			if (this.downstream.isCancelled()) {
				clear();
			}
			missed = this.drains.addAndGet(-missed);
		}
		while (missed != 0);
	}

	void dispose() {
		this.worker.dispose();
		clear();
	}

	/** Moves up to {@code max} notifications into {@link #taken}. */
	private int take(int max) {
		this.lock.lock();
		try {
			int count = 0;
			KeyNotification next;
			while (count < max && (next = this.queue.pollFirst()) != null) {
				this.taken.add(next);
				count++;
			}
			return count;
		}
		finally {
			this.lock.unlock();
		}
	}

	private void clear() {
		this.lock.lock();
		try {
			this.queue.clear();
		}
		finally {
			this.lock.unlock();
		}
	}

}
