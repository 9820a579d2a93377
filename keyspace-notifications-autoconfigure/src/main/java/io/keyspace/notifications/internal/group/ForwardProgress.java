package io.keyspace.notifications.internal.group;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * How far a forwarder surely wrote what it read, by checkpoints of the handler lanes. A
 * checkpoint taken at a moment stands for "everything read before it was written" once the
 * lanes passed it (every notification they held then reached the forwarder) and everything
 * the forwarder had queued by then was written. Notifications of other handlers hold it back
 * only while they are ahead of the forwarder's in a lane.
 * <p>
 * Threading: {@link #queued()} is called by handler lanes; the rest by the forwarding thread only.
 */
final class ForwardProgress {

	private final Supplier<BooleanSupplier> checkpoints;

	private final LongAdder queued = new LongAdder(); // put into the forwarder's queue, ever

	private long dequeued; // taken from the queue into a batch, ever

	private BooleanSupplier lanesPassed; // the checkpoint under way, null before the first

	private long takenAt;

	private long queueMark = -1; // what was queued when the lanes passed, -1 before

	ForwardProgress(Supplier<BooleanSupplier> checkpoints) {
		this.checkpoints = checkpoints;
	}

	/** A notification went into the forwarder's queue. */
	void queued() {
		this.queued.increment();
	}

	/** Notifications were taken from the queue into the batch being written. */
	void dequeued(int count) {
		this.dequeued += count;
	}

	/**
	 * Looks at the checkpoint under way; once it is done, takes the next.
	 * @param nothingWaiting whether the forwarder's batch and takeover backlog are empty
	 * @return until when everything read was surely written (epoch ms), 0 if not known yet
	 */
	long advance(long now, boolean nothingWaiting) {
		long until = 0;
		if (this.lanesPassed != null) {
			if (this.queueMark < 0 && this.lanesPassed.getAsBoolean()) {
				this.queueMark = this.queued.sum();
			}
			if (this.queueMark < 0 || this.dequeued < this.queueMark || !nothingWaiting) {
				return 0;
			}
			until = this.takenAt;
		}
		this.lanesPassed = this.checkpoints.get();
		this.takenAt = now;
		this.queueMark = -1;
		return until;
	}

}
