package io.keyspace.notifications.internal.group;

import java.util.concurrent.atomic.LongAdder;

import io.keyspace.notifications.GroupMetrics;

/** Lock-free counters of one instance's group work; see {@link GroupMetrics}. */
public final class GroupCounters {

	final LongAdder forwarded = new LongAdder();

	final LongAdder handled = new LongAdder();

	final LongAdder failed = new LongAdder();

	final LongAdder reclaimed = new LongAdder();

	final LongAdder deadLettered = new LongAdder();

	final LongAdder notForwarded = new LongAdder();

	public GroupMetrics snapshot() {
		return new GroupMetrics(this.forwarded.sum(), this.handled.sum(), this.failed.sum(), this.reclaimed.sum(),
				this.deadLettered.sum(), this.notForwarded.sum());
	}

}
