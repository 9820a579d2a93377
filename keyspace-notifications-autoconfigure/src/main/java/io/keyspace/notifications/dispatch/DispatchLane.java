package io.keyspace.notifications.dispatch;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One handler thread's bounded queue. A reader hands over a whole batch under one lock and
 * wakes the handler thread at most once per batch: at hundreds of thousands of messages a
 * second, a wake-up per message would cost more than the message.
 */
final class DispatchLane {

	private static final int MAX_DRAIN = 512;

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition notEmpty = this.lock.newCondition();

	private final Condition notFull = this.lock.newCondition();

	private final ArrayDeque<Delivery> items;

	private final int capacity;

	private boolean consumerWaiting;

	// Set when a BLOCK wait timed out: the handlers are not keeping up, so the reader stops
	// waiting (and drops) until the queue is half empty. Waiting on would hold the reader
	// until Redis drops the connection and everything it buffered.
	private boolean shedding;

	DispatchLane(int capacity) {
		this.capacity = capacity;
		this.items = new ArrayDeque<>(Math.min(capacity, 1024));
	}

	/**
	 * Adds deliveries in order, applying the overflow policy to those that do not fit.
	 * @return how many were dropped
	 */
	int offerAll(List<Delivery> batch, OverflowPolicy overflow, long blockNanos) {
		int dropped = 0;
		this.lock.lock();
		try {
			long remaining = blockNanos;
			if (this.shedding && this.items.size() <= this.capacity / 2) {
				this.shedding = false;
			}
			for (Delivery delivery : batch) {
				while (this.items.size() >= this.capacity && overflow == OverflowPolicy.BLOCK && !this.shedding) {
					signalConsumer();
					remaining = awaitNotFull(remaining);
					this.shedding = (remaining <= 0);
				}
				if (this.items.size() < this.capacity) {
					this.items.addLast(delivery);
				}
				else if (overflow == OverflowPolicy.DROP_OLDEST) {
					this.items.pollFirst();
					this.items.addLast(delivery);
					dropped++;
				}
				else {
					dropped++;
				}
			}
			signalConsumer();
		}
		finally {
			this.lock.unlock();
		}
		return dropped;
	}

	/**
	 * Moves up to {@value #MAX_DRAIN} deliveries into {@code into}, waiting up to the timeout
	 * for the first.
	 */
	void drainTo(List<Delivery> into, long timeout, TimeUnit unit) throws InterruptedException {
		this.lock.lockInterruptibly();
		try {
			if (this.items.isEmpty()) {
				this.consumerWaiting = true;
				try {
					this.notEmpty.await(timeout, unit);
				}
				finally {
					this.consumerWaiting = false;
				}
			}
			boolean wasFull = this.items.size() >= this.capacity;
			for (int i = 0; i < MAX_DRAIN && !this.items.isEmpty(); i++) {
				into.add(this.items.pollFirst());
			}
			if (wasFull) {
				this.notFull.signalAll();
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	int size() {
		this.lock.lock();
		try {
			return this.items.size();
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Empties the queue, returning what was in it. */
	List<Delivery> clear() {
		this.lock.lock();
		try {
			List<Delivery> left = new ArrayList<>(this.items);
			this.items.clear();
			this.notFull.signalAll();
			return left;
		}
		finally {
			this.lock.unlock();
		}
	}

	private void signalConsumer() {
		if (this.consumerWaiting && !this.items.isEmpty()) {
			this.notEmpty.signal();
		}
	}

	private long awaitNotFull(long nanos) {
		try {
			return this.notFull.awaitNanos(nanos);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return 0;
		}
	}

}
