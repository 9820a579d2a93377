package io.keyspace.notifications.internal.group;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import io.keyspace.notifications.KeyNotification;

/**
 * The recent notifications of a source, with when they were read. One that this instance does
 * not forward: when it takes over, it forwards those read after the previous forwarder's last
 * renewal, so a forwarder that dies costs duplicates, not losses. One that it forwards: should
 * Redis lose what it wrote (a failover to a replica that had not received it), it writes them
 * again. Bounded by count; what
 * falls out makes the window it covered a gap. Not thread-safe: guarded by its source.
 */
final class ReplayBuffer {

	private final int capacity;

	private final ArrayDeque<Read> reads = new ArrayDeque<>();

	private long evictedUntil; // read time of the newest notification that fell out, 0 if none

	ReplayBuffer(int capacity) {
		this.capacity = capacity;
	}

	void add(KeyNotification notification, long readMillis) {
		if (this.reads.size() == this.capacity) {
			this.evictedUntil = this.reads.removeFirst().readMillis();
		}
		this.reads.addLast(new Read(notification, readMillis));
	}

	/** Drops what was read before {@code millis}: forwarded by someone else for sure. */
	void forgetBefore(long millis) {
		while (!this.reads.isEmpty() && this.reads.peekFirst().readMillis() < millis) {
			this.reads.removeFirst();
		}
	}

	/**
	 * Takes what was read from {@code sinceMillis} on, with when, and empties the buffer.
	 * @return the reads, oldest first
	 */
	List<Read> takeSince(long sinceMillis) {
		List<Read> since = new ArrayList<>(this.reads.size());
		for (Read read : this.reads) {
			if (read.readMillis() >= sinceMillis) {
				since.add(read);
			}
		}
		this.reads.clear();
		return since;
	}

	/**
	 * What was read from {@code sinceMillis} on, with when, keeping it all.
	 * @return the reads, oldest first
	 */
	List<Read> since(long sinceMillis) {
		return this.reads.stream().filter((read) -> read.readMillis() >= sinceMillis).toList();
	}

	/** Read time of the newest notification that fell out because the buffer was full; 0 if none. */
	long lostUntil() {
		return this.evictedUntil;
	}

	/** A notification and when this instance read it (epoch ms). */
	record Read(KeyNotification notification, long readMillis) {
	}

}
