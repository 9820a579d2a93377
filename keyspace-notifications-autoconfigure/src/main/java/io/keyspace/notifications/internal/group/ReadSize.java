package io.keyspace.notifications.internal.group;

import io.keyspace.notifications.GroupSettings;

/**
 * How many entries a member asks for per read of a stream ({@code XREADGROUP COUNT}):
 * batch-size as a rule. While reads come back full (a backlog), each asks for twice as many as
 * the last, up to {@link #LIMIT} (or batch-size, if larger): behind a busy server a round trip
 * takes long, and a member that read a batch per round trip would fall behind the forwarder.
 * A read that comes back short goes back to batch-size.
 * <p>
 * A read is handled entry after entry and acknowledged at the end, so its size bounds what a
 * member that dies leaves to be handled again, and how long its last entry waits. So it grows
 * only while handling the last read took less than a twentieth of the claim timeout (the next,
 * twice as large, a tenth at that pace: far from being claimed by another member meanwhile),
 * and a read that took longer than a tenth sends it back to batch-size.
 * <p>
 * Not thread-safe: the state of one stream's reader.
 */
final class ReadSize {

	static final int LIMIT = 1_000;

	private final int batchSize;

	private final int limit;

	private final long budgetNanos;

	private int count;

	ReadSize(GroupSettings settings) {
		this.batchSize = settings.batchSize();
		this.limit = Math.max(this.batchSize, LIMIT);
		this.budgetNanos = settings.claimTimeout().toNanos() / 10;
		this.count = this.batchSize;
	}

	/** How many entries to ask for next. */
	int count() {
		return this.count;
	}

	/**
	 * @param read how many entries the last read returned
	 * @param handlingNanos how long handling and acknowledging them took
	 */
	void afterRead(int read, long handlingNanos) {
		if (read < this.count || handlingNanos > this.budgetNanos) {
			this.count = this.batchSize;
		}
		else if (2 * handlingNanos <= this.budgetNanos) {
			this.count = Math.min(this.limit, 2 * this.count);
		}
	}

}
