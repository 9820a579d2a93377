package io.keyspace.notifications.internal.dispatch;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import io.keyspace.notifications.OverflowPolicy;

/**
 * One handler thread's bounded queue. A reader hands over a whole batch under one lock and
 * wakes the handler thread at most once per batch: at hundreds of thousands of messages a
 * second, a wake-up per message would cost more than the message. The handler thread also
 * takes up to {@value #MAX_TAKE} deliveries per lock.
 * <p>
 * What the handler thread has taken stays accountable: it must win a claim on each delivery
 * ({@link #start}) before running it and on its end ({@link #finish}) before counting it as
 * delivered, and {@link #stop} takes over every claim not yet won. So at shutdown each delivery
 * is either delivered by the handler thread or dropped by {@code stop}, never both or neither,
 * and a handler thread that outlives the shutdown cannot start another delivery.
 * <p>
 * Deliveries have positions (1, 2, … in the order they were queued), so a caller can tell
 * when everything queued before a moment has been settled — delivered, dropped or abandoned —
 * without a marker in the queue or a counter per handler ({@link #queuedSoFar},
 * {@link #settledThrough}).
 */
final class DispatchLane {

	static final int MAX_TAKE = 512;

	/** Fast calls in a row after which a lane's calls may run inline. */
	static final int PROVEN = 64;

	// The claim cursor: 2i = delivery i of the taken run is next, 2i+1 = delivery i is running.
	private static final int STOPPED = Integer.MIN_VALUE;

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition notEmpty = this.lock.newCondition();

	private final Condition notFull = this.lock.newCondition();

	private final ArrayDeque<Delivery> items;

	private final int capacity;

	private final AtomicInteger cursor = new AtomicInteger();

	private int takenCount; // guarded by lock

	private long queued; // deliveries ever queued; guarded by lock

	private long removed; // deliveries ever removed from the queue, taken or dropped; guarded by lock

	private long runStart = 1; // position of the first delivery of the last take; guarded by lock

	// Position of the last delivery the handler thread finished; written by it alone.
	private final AtomicLong finishedThrough = new AtomicLong();

	private boolean consumerWaiting;

	private boolean draining;

	private volatile boolean stopped;

	// Set when a BLOCK wait timed out: the handlers are not keeping up, so the reader stops
	// waiting (and drops) until the queue is half empty. Waiting on would hold the reader
	// until Redis drops the connection and everything it buffered.
	private boolean shedding;

	// A delivery handled on a reader thread right now (see claimInline): the handler thread waits.
	private boolean inlineRunning; // guarded by lock

	private long inlinePosition; // its position; guarded by lock

	// Handler calls in a row that took less than the inline limit, up to PROVEN: written by
	// whoever runs the lane's calls (its thread, or a reader inline, never both at once).
	private final AtomicInteger fastCalls = new AtomicInteger();

	DispatchLane(int capacity) {
		this.capacity = capacity;
		this.items = new ArrayDeque<>(Math.min(capacity, 1024));
	}

	/** Adds deliveries in order, applying the overflow policy to those that do not fit. */
	Rejected offerAll(List<Delivery> batch, OverflowPolicy overflow, long blockNanos) {
		int overflowed = 0;
		this.lock.lock();
		try {
			if (this.stopped) {
				return new Rejected(0, batch.size());
			}
			long remaining = blockNanos;
			if (this.shedding && this.items.size() <= this.capacity / 2) {
				this.shedding = false;
			}
			for (int i = 0; i < batch.size(); i++) {
				while (this.items.size() >= this.capacity && overflow == OverflowPolicy.BLOCK && !this.shedding
						&& !this.stopped) {
					signalConsumer();
					remaining = awaitNotFull(remaining);
					this.shedding = (remaining <= 0);
				}
				if (this.stopped) {
					return new Rejected(overflowed, batch.size() - i);
				}
				if (this.items.size() < this.capacity) {
					this.items.addLast(batch.get(i));
					this.queued++;
				}
				else if (overflow == OverflowPolicy.DROP_OLDEST) {
					this.items.pollFirst();
					this.removed++;
					this.items.addLast(batch.get(i));
					this.queued++;
					overflowed++;
				}
				else {
					overflowed++;
				}
			}
			signalConsumer();
		}
		finally {
			this.lock.unlock();
		}
		return (overflowed == 0) ? Rejected.NONE : new Rejected(overflowed, 0);
	}

	/**
	 * Moves up to {@code into.length} deliveries into {@code into}, waiting for the first; the
	 * caller then claims them one by one with {@link #start} and {@link #finish}.
	 * @return how many were taken, or -1 once the lane is stopped, or drained and empty
	 */
	int take(Delivery[] into) {
		this.lock.lock();
		try {
			while ((this.items.isEmpty() && !this.draining || this.inlineRunning) && !this.stopped) {
				this.consumerWaiting = true;
				try {
					this.notEmpty.awaitUninterruptibly();
				}
				finally {
					this.consumerWaiting = false;
				}
			}
			if (this.stopped || this.items.isEmpty()) {
				return -1;
			}
			boolean wasFull = this.items.size() >= this.capacity;
			int count = 0;
			while (count < into.length && !this.items.isEmpty()) {
				into[count++] = this.items.pollFirst();
			}
			this.takenCount = count;
			this.runStart = this.removed + 1;
			this.removed += count;
			this.cursor.set(0);
			if (wasFull) {
				this.notFull.signalAll();
			}
			return count;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Claims the lane for {@code count} deliveries on the caller's thread, so that they cost no hand-off:
	 * only while nothing is queued, the handler thread waits with every delivery it took
	 * finished (so the key's order holds), and its last {@value #PROVEN} calls were fast. The handler
	 * thread waits until {@link #finishInline}. The deliveries take the next positions, so a
	 * checkpoint counts them.
	 * @return whether the caller may run them now
	 */
	boolean claimInline(int count) {
		if (this.fastCalls.get() < PROVEN) {
			return false;
		}
		this.lock.lock();
		try {
			if (this.stopped || this.draining || this.inlineRunning || !this.consumerWaiting || !this.items.isEmpty()) {
				return false;
			}
			this.inlineRunning = true;
			this.inlinePosition = this.queued + 1;
			this.queued += count;
			this.removed += count; // they never enter the queue; settledThrough holds them back until finished
			return true;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Ends inline deliveries: the handler thread may go on with what was queued meanwhile.
	 * Slow ones keep the lane on its handler thread until {@value #PROVEN} calls in a row are
	 * fast again.
	 */
	void finishInline(boolean slow, int count) {
		this.lock.lock();
		try {
			this.inlineRunning = false;
			callsTook(slow, count);
			if (this.consumerWaiting && (!this.items.isEmpty() || this.draining)) {
				this.notEmpty.signal(); // what was queued meanwhile, or a drain that waited for these calls
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	/** How {@code count} calls of this lane went; by whoever runs them, one at a time. */
	void callsTook(boolean slow, int count) {
		// A lazy write: the reader that asks next may see the old streak, which only delays a change.
		this.fastCalls.lazySet(slow ? 0 : Math.min(PROVEN, this.fastCalls.get() + count));
	}

	/** Claims delivery {@code index} of the last take; false once the lane is stopped. */
	boolean start(int index) {
		return this.cursor.compareAndSet(2 * index, 2 * index + 1);
	}

	/** Whether delivery {@code index} still runs, i.e. the lane was not stopped meanwhile. */
	boolean isRunning(int index) {
		return this.cursor.get() == 2 * index + 1;
	}

	/** Marks delivery {@code index} done; false if {@link #stop} took it over (and counted it). */
	boolean finish(int index) {
		if (!this.cursor.compareAndSet(2 * index + 1, 2 * index + 2)) {
			return false;
		}
		// runStart was written by this thread in take(); a lazy write: readers need it soon, not at once.
		this.finishedThrough.lazySet(this.runStart + index);
		return true;
	}

	/** The position of the last delivery queued so far. */
	long queuedSoFar() {
		this.lock.lock();
		try {
			return this.queued;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Every delivery up to this position is settled: delivered, dropped, or taken over by
	 * {@link #stop}. While the handler thread works through a take, that is the last one it
	 * finished; once it finished them all, everything removed from the queue since (dropped by
	 * {@code DROP_OLDEST}) is settled too.
	 */
	long settledThrough() {
		this.lock.lock();
		try {
			if (this.stopped) {
				return this.queued;
			}
			long finished = this.finishedThrough.get();
			long settled = (finished == this.runStart + this.takenCount - 1) ? this.removed : finished;
			return this.inlineRunning ? Math.min(settled, this.inlinePosition - 1) : settled;
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Lets the handler thread end once the queue is empty. */
	void drain() {
		this.lock.lock();
		try {
			this.draining = true;
			this.notEmpty.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Stops the lane for good: no delivery starts after this returns, and every delivery not
	 * finished is taken over.
	 */
	Abandoned stop() {
		this.lock.lock();
		try {
			this.stopped = true;
			int queued = this.items.size();
			this.items.clear();
			int claim = this.cursor.getAndSet(STOPPED);
			int notStarted = 0;
			boolean running = false;
			if (claim != STOPPED) {
				running = (claim & 1) == 1;
				notStarted = this.takenCount - claim / 2 - (running ? 1 : 0);
			}
			this.notEmpty.signalAll();
			this.notFull.signalAll();
			return new Abandoned(queued, notStarted, running);
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

	/** What a hand-over could not queue: {@code overflow} by the policy, {@code shutdown} because the lane stopped. */
	record Rejected(int overflow, int shutdown) {

		static final Rejected NONE = new Rejected(0, 0);

	}

	/**
	 * What {@link #stop} took over.
	 *
	 * @param queued never taken by the handler thread
	 * @param notStarted taken but not started
	 * @param running one delivery was running and had not finished
	 */
	record Abandoned(int queued, int notStarted, boolean running) {

		int total() {
			return this.queued + this.notStarted + (this.running ? 1 : 0);
		}

	}

}
