package io.keyspace.notifications.internal.group;

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

	// A ring of the reads, oldest at head: two arrays rather than an object per read, since the
	// leading forwarder keeps every notification it forwards.
	private final KeyNotification[] notifications;

	private final long[] readMillis;

	private int head;

	private int size;

	private long evictedUntil; // read time of the newest notification that fell out, 0 if none

	ReplayBuffer(int capacity) {
		this.notifications = new KeyNotification[capacity];
		this.readMillis = new long[capacity];
	}

	void add(KeyNotification notification, long readMillis) {
		int capacity = this.notifications.length;
		if (this.size == capacity) {
			this.evictedUntil = this.readMillis[this.head];
			this.head = (this.head + 1) % capacity;
			this.size--;
		}
		int tail = (this.head + this.size) % capacity;
		this.notifications[tail] = notification;
		this.readMillis[tail] = readMillis;
		this.size++;
	}

	/** Drops what was read before {@code millis}: forwarded by someone else for sure. */
	void forgetBefore(long millis) {
		while (this.size > 0 && this.readMillis[this.head] < millis) {
			this.notifications[this.head] = null;
			this.head = (this.head + 1) % this.notifications.length;
			this.size--;
		}
	}

	/**
	 * Takes what was read from {@code sinceMillis} on, with when, and empties the buffer.
	 * @return the reads, oldest first
	 */
	List<Read> takeSince(long sinceMillis) {
		List<Read> since = since(sinceMillis);
		forgetBefore(Long.MAX_VALUE);
		return since;
	}

	/**
	 * What was read from {@code sinceMillis} on, with when, keeping it all.
	 * @return the reads, oldest first
	 */
	List<Read> since(long sinceMillis) {
		List<Read> since = new ArrayList<>();
		for (int i = 0; i < this.size; i++) {
			int at = (this.head + i) % this.notifications.length;
			if (this.readMillis[at] >= sinceMillis) {
				since.add(new Read(this.notifications[at], this.readMillis[at]));
			}
		}
		return since;
	}

	/** Read time of the newest notification that fell out because the buffer was full; 0 if none. */
	long lostUntil() {
		return this.evictedUntil;
	}

	/** A notification and when this instance read it (epoch ms). */
	record Read(KeyNotification notification, long readMillis) {
	}

}
